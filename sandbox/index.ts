// The isolated-vm sandbox that runs the agent's JavaScript code actions.
export { Sandbox } from './sandbox.ts';
export type { ActionError, ActionResult, HostTool, SandboxOptions, ToolCall } from './types.ts';
