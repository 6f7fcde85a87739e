import { defineConfig } from 'vitest/config';

// Split by speed: unit (no network), integration (DynamoDB Local + a Graph stub on 127.0.0.1),
// infra (CDK synth, cdk-nag, the synthesized bundle run locally, Meta subscription against a stub),
// e2e (`npm start` as a child process on 127.0.0.1, driven by the simulator). The reliability and
// security suites need DynamoDB Local too, so they share the integration project's one.
// The SDK's documented switch (aws/aws-sdk-js-v3#7983) for its warning that releases after January 2027
// need Node 22. Tests only: they run on the development machine's Node 20, while the function runs on
// nodejs24.x and CI also runs the bundle under Node 24; scripts and `npm start` still show it.
const QUIET_SDK = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
// The global setups (DynamoDB Local) create SDK clients in this process, which `test.env` does not reach.
Object.assign(process.env, QUIET_SDK);

export default defineConfig({
  test: {
    env: {
      ...QUIET_SDK,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'test/integration/**/*.test.ts',
            'test/reliability/**/*.test.ts',
            'test/security/**/*.test.ts',
          ],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // Each file synthesizes once in beforeAll: bundling and cdk-nag take seconds on 2 cores.
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
