import type { Command } from '../command.js';
import { assign } from './assign.js';
import { consoleCommand } from './console.js';
import { divergences } from './divergences.js';
import { audit, instances } from './fleet.js';
import { guard } from './guard.js';
import { override } from './override.js';
import { plan } from './plan.js';
import { baseline, rollout, shadow } from './percent.js';
import { resume, rollback } from './rollback.js';
import { status } from './status.js';

/** The dispatch table, in the order `help` lists it. A new command is one file and one line here. */
export const COMMANDS: readonly Command[] = [
  status,
  rollout,
  shadow,
  baseline,
  rollback,
  resume,
  plan,
  assign,
  override,
  divergences,
  guard,
  instances,
  audit,
  consoleCommand,
];
