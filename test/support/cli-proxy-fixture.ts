import { useEchoProxy, type EchoProxy, type EchoProxyOptions } from './echo-proxy-fixture.js';
import { ADMIN_TOKEN } from './proxy-harness.js';
import { assertBuilt, runCli, type CliRun, type RunOptions } from './run-cli.js';

export interface CliProxy extends EchoProxy {
  /** Runs the compiled CLI against this test's proxy with the admin token (`extra.env` adds to it). */
  cli: (args: readonly string[], extra?: RunOptions) => Promise<CliRun>;
}

/**
 * The CLI's integration rig: the compiled CLI (checked built before the file's tests) and a real
 * proxy in front of two echo engines, fresh for each test (useEchoProxy).
 */
export function useCliProxy(options: EchoProxyOptions = {}): CliProxy {
  beforeAll(assertBuilt);
  const t = useEchoProxy(options) as CliProxy;
  t.cli = (args, extra = {}) =>
    runCli(args, { opsUrl: t.proxy.opsUrl, ...extra, env: { ADMIN_TOKEN, ...extra.env } });
  return t;
}
