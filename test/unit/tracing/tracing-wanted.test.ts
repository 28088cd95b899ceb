import { knownMethod, spanName } from '../../../src/tracing/attributes.js';
import { tracingWanted } from '../../../src/tracing/setup.js';

describe('tracingWanted: off unless an OTLP endpoint is set', () => {
  const endpoint = 'http://collector:4318';

  it.each([
    [{}, false],
    [{ OTEL_SERVICE_NAME: 'switchyard', OTEL_TRACES_SAMPLER: 'always_on' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces` }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'TRUE' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'false' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: 'otlp' }, true],
  ])('%j -> %s', (env, wanted) => {
    expect(tracingWanted(env)).toBe(wanted);
  });
});

describe('span names', () => {
  it('are {method} {route}, the method alone without a route, HTTP for an unknown method', () => {
    expect(spanName(knownMethod('GET'), '/api/threads/*')).toBe('GET /api/threads/*');
    expect(spanName(knownMethod('POST'), null)).toBe('POST');
    expect(spanName(knownMethod('BREW'), null)).toBe('HTTP');
    expect(knownMethod('BREW')).toBe('_OTHER');
    expect(knownMethod(undefined)).toBe('_OTHER');
  });
});
