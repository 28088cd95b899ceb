import type { Alerts } from './alerts.js';
import type { Api } from './api.js';
import type { StateView } from './api-types.js';

/** What the views share once signed in. */
export interface ConsoleContext {
  api: Api;
  readOnly: boolean;
  alerts: Alerts;
  /** The latest state known. */
  state(): StateView;
  /** A change answered with the new state: show it now and refresh the rest. */
  applied(state: StateView): void;
}
