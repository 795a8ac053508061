import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * A job older than this has waited far longer than any encode should: the fleet is short or
 * stuck. Chunk messages are jobs too: a long video's chunks still waiting an hour after they
 * were queued say the same, the fleet at its maximum size or not polling.
 */
const OLDEST_JOB_ALARM_SECONDS = 3600;

export interface HoistAlarmsProps {
  jobQueue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  s3EventFunction: lambda.IFunction;
  /** Subscribed to the alarm topic when set. */
  alarmEmail: string | undefined;
}

/**
 * The three alarms docs/operations.md explains, all sent to one SNS topic. The job queue
 * carries both kinds of message (a new source's transcode job and the chunks of a planned
 * one), so the dead-letter and oldest-job alarms cover chunked processing as they are.
 */
export class HoistAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: HoistAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Hoist alarms' });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const fiveMinutes = Duration.minutes(5);
    // Every alarm fires at or above its threshold and stays quiet while its metric has no data.
    const atOrAbove = (id: string, options: Pick<cloudwatch.AlarmProps, 'alarmDescription' | 'metric' | 'threshold' | 'evaluationPeriods'>) =>
      new cloudwatch.Alarm(this, id, {
        ...options,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.alarms = [
      atOrAbove('DeadLetters', {
        alarmDescription: 'Jobs reached the dead-letter queue: read them, fix the cause, then redrive (docs/operations.md).',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
      }),
      atOrAbove('OldestJob', {
        alarmDescription: `A job has waited over ${OLDEST_JOB_ALARM_SECONDS / 60} minutes: the fleet is at its maximum size or not polling.`,
        metric: props.jobQueue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: OLDEST_JOB_ALARM_SECONDS,
        evaluationPeriods: 2,
      }),
      atOrAbove('S3EventErrors', {
        alarmDescription: 'The S3-event Lambda failed: new uploads may not have been queued (see its log group).',
        metric: props.s3EventFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
      }),
    ];
    for (const alarm of this.alarms) alarm.addAlarmAction(new actions.SnsAction(this.topic));
  }
}
