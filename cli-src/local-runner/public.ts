// `templated-api-caller/local`: the local workflow runner for users' own tests (Node.js only,
// outside the jsii API). Bundled into assets/local with its types (build-tools/bundle.mjs).
export { LocalWorkflowRunner } from './local-workflow-runner';
export type { ExecuteOptions, LocalTemplate, LocalWorkflowRunnerOptions } from './local-workflow-runner';
export { formatExecution } from './execution-trace';
export { formatCallSummary, summarizeCalls } from './metrics-summary';
export type { TemplateCallSummary } from './metrics-summary';
export type { ExecutionRecord, ExecutionStatus, MapRunCounts, MapRunRecord, StateRecord } from './execution-trace';
export type { LambdaContext, LambdaHandler, TaskHandler } from './handler-types';
export type { CfnTemplate, LocalTable } from './cloudformation';
