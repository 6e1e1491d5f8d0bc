/**
 * One engine for both pipelines (订货流程 and 退货流程), after Vendure's order process: the steps
 * are data, settings switch them on or off, and `transition` is a pure function from
 * (state, action, context) to the next state plus the effects the service must apply — or a
 * typed refusal. The service applies effects in one transaction with a compare-and-set on
 * (status, version), so a transition happens once.
 */
import type { Permission } from "./permissions";

export interface StepDef<Effect extends string = string> {
  key: string;
  /** The status a document waits in at this step. */
  status: string;
  /** Staff permission that approves this step; `null` when only the customer acts. */
  permission: Permission | null;
  /** May the customer approve this step (receipt, ship back)? */
  customerActs: boolean;
  /** What approving this step does (applied also when it is passed automatically). */
  effects: readonly Effect[];
}

export interface PipelineDef<Effect extends string = string> {
  name: "orders" | "returns";
  steps: readonly StepDef<Effect>[];
  doneStatus: string;
}

/** Which steps are switched on; a missing key counts as on. */
export type EnabledSteps = Readonly<Record<string, boolean>>;

export interface RouteContext {
  enabled: EnabledSteps;
  /**
   * Can this switched-off step's work be done without a person right now (funds suffice,
   * stock suffices)? If not, the document waits in that step's queue even though it is off.
   */
  canAutoPass(stepKey: string): boolean;
}

export interface Routing<Effect extends string = string> {
  status: string;
  /** Switched-off steps passed automatically on the way, in order. */
  autoPassed: string[];
  /** Effects of the auto-passed steps, in order. */
  effects: Effect[];
}

export const isEnabled = (enabled: EnabledSteps, key: string) => enabled[key] !== false;

/** Where a document goes after the step at `fromIndex` is done (−1: on submission). */
export function routeAfter<Effect extends string>(
  def: PipelineDef<Effect>,
  fromIndex: number,
  ctx: RouteContext,
): Routing<Effect> {
  const autoPassed: string[] = [];
  const effects: Effect[] = [];
  for (let i = fromIndex + 1; i < def.steps.length; i++) {
    const step = def.steps[i]!;
    if (isEnabled(ctx.enabled, step.key) || !ctx.canAutoPass(step.key))
      return { status: step.status, autoPassed, effects };
    autoPassed.push(step.key);
    effects.push(...step.effects);
  }
  return { status: def.doneStatus, autoPassed, effects };
}

export function stepAt<Effect extends string>(
  def: PipelineDef<Effect>,
  status: string,
): { step: StepDef<Effect>; index: number } | null {
  const index = def.steps.findIndex((s) => s.status === status);
  return index < 0 ? null : { step: def.steps[index]!, index };
}
