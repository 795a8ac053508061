import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface BacklogScalingProps {
  group: autoscaling.AutoScalingGroup;
  jobQueue: sqs.IQueue;
  /** Jobs (transcode or chunk messages) per instance to aim at: the fleet's JOB_CONCURRENCY, so every instance has work and none waits. */
  jobsPerInstance: number;
  /** Seconds from launch until a new instance polls (installing Node and the release). */
  instanceWarmupSeconds: number;
}

/**
 * Target tracking on jobs per in-service instance: (waiting + in-flight messages) / instances.
 * In-flight messages count too: a long transcode keeps its message hidden, and counting only
 * waiting ones would read a busy fleet as idle and scale it in under its running jobs.
 * Every message on the job queue is a job here, a new source's and a chunk of a planned one
 * alike: a long video the fleet cuts into chunks becomes that many messages, so the fleet
 * grows with its chunk backlog, which is what spreads one video over many instances.
 * CDK's L2 target tracking takes single metrics only, so the metric math is written on the
 * L1 policy. GroupInServiceInstances needs the group's metrics collection turned on.
 */
export class BacklogScaling extends Construct {
  readonly policy: autoscaling.CfnScalingPolicy;

  constructor(scope: Construct, id: string, props: BacklogScalingProps) {
    super(scope, id);
    const queue = [{ name: 'QueueName', value: props.jobQueue.queueName }];
    this.policy = new autoscaling.CfnScalingPolicy(this, 'Policy', {
      autoScalingGroupName: props.group.autoScalingGroupName,
      policyType: 'TargetTrackingScaling',
      estimatedInstanceWarmup: props.instanceWarmupSeconds,
      targetTrackingConfiguration: {
        targetValue: props.jobsPerInstance,
        customizedMetricSpecification: {
          metrics: [
            {
              id: 'waiting',
              label: 'Jobs waiting in the queue',
              metricStat: {
                metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: queue },
                stat: 'Sum',
              },
              returnData: false,
            },
            {
              id: 'in_flight',
              label: 'Jobs being worked on (messages hidden by a worker)',
              metricStat: {
                metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesNotVisible', dimensions: queue },
                stat: 'Sum',
              },
              returnData: false,
            },
            {
              id: 'in_service',
              label: 'Fleet instances in service',
              metricStat: {
                metric: {
                  namespace: 'AWS/AutoScaling',
                  metricName: 'GroupInServiceInstances',
                  dimensions: [{ name: 'AutoScalingGroupName', value: props.group.autoScalingGroupName }],
                },
                stat: 'Average',
              },
              returnData: false,
            },
            {
              id: 'backlog_per_instance',
              label: 'Jobs per fleet instance',
              expression: '(waiting + in_flight) / in_service',
              returnData: true,
            },
          ],
        },
      },
    });
  }
}
