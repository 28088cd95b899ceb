import { SwitchyardError } from '../../errors/switchyard-error.js';

/**
 * Why a change to flags that live in Unleash was not made. They extend the admin API's one error
 * class, so its one handler answers them with their status and code, as any other refusal.
 */

/** 409: no admin token, so Unleash (its UI, or a token) is where the change must be made. */
export class FlagsInUnleashError extends SwitchyardError {
  constructor(message: string) {
    super(409, 'flags_in_unleash', message);
  }
}

/** 503: Unleash did not answer (or this instance has not loaded the flags yet); nothing changed. */
export class UnleashUnavailableError extends SwitchyardError {
  constructor(message: string) {
    super(503, 'unleash_unavailable', message);
  }
}

/** 502: Unleash answered, but refused the change or has flags in a shape we cannot edit. */
export class UnleashRefusedError extends SwitchyardError {
  constructor(
    message: string,
    readonly unleashStatus: number | null = null,
  ) {
    super(502, 'unleash_refused', message);
  }
}

/** The 409 for a change this instance cannot write, saying where to make it instead. */
export function flagsInUnleash(
  where: { project: string; environment: string },
  flags: { rollout: string; shadow: string },
  parts: ReadonlySet<string>,
  rolloutDisabled: boolean,
): FlagsInUnleashError {
  const place = `Unleash (project ${where.project}, environment ${where.environment})`;
  if (parts.has('rollback') && rolloutDisabled) {
    return new FlagsInUnleashError(
      `the rollout flag ${flags.rollout} is disabled in ${place}: enable it there to resume, or configure UNLEASH_ADMIN_TOKEN`,
    );
  }
  const flag = parts.has('shadow') ? flags.shadow : flags.rollout;
  return new FlagsInUnleashError(
    `the flags live in ${place} and this instance has no UNLEASH_ADMIN_TOKEN: change ${flag} in Unleash, or configure UNLEASH_ADMIN_TOKEN`,
  );
}
