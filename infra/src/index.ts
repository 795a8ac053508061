/** The Hoist CDK app's public face: synthesis, the stack, its settings and the least-privilege check. */
export { synthesizeHoist, type SynthOptions, type SynthResult } from './synth-app.js';
export { HoistStack, type HoistStackProps } from './hoist-stack.js';
export { readSettings, SettingsError, type HoistSettings } from './settings.js';
export { readAppDefaults, type AppDefaults } from './app-defaults.js';
export { findLeastPrivilegeViolations, RESOURCE_STAR_EXCEPTIONS, type CfnTemplate } from './least-privilege.js';
