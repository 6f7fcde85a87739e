import { createServer, type IncomingMessage } from 'node:http';

export interface SecretsManagerStub {
  /** For `AWS_ENDPOINT_URL_SECRETS_MANAGER`: the SDK's standard per-service endpoint override. */
  endpoint: string;
  /** Stores a secret's value, as `put-secret-value` would. */
  put(secretId: string, value: Record<string, string>): void;
  /** GetSecretValue requests served so far for this id. */
  reads(secretId: string): number;
  close(): Promise<void>;
}

/**
 * A Secrets Manager stand-in on 127.0.0.1 speaking the one operation the code calls, GetSecretValue
 * (the AWS JSON 1.1 protocol: POST /, `X-Amz-Target: secretsmanager.GetSecretValue`), so the real SDK
 * client and Powertools Parameters run unchanged against it.
 */
export async function startSecretsManagerStub(): Promise<SecretsManagerStub> {
  const secrets = new Map<string, string>();
  const readCounts = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
    const request: unknown = JSON.parse((await readBody(req)) || '{}');
    const secretId =
      typeof request === 'object' && request !== null ? String(Reflect.get(request, 'SecretId')) : '';
    if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      answer(400, { __type: 'InvalidRequestException', message: 'only GetSecretValue is stubbed' });
      return;
    }
    readCounts.set(secretId, (readCounts.get(secretId) ?? 0) + 1);
    const value = secrets.get(secretId);
    if (value === undefined) {
      answer(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the secret." });
      return;
    }
    answer(200, {
      ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${secretId}-AbCdEf`,
      Name: secretId,
      SecretString: value,
      VersionId: `v${readCounts.get(secretId)}`,
      VersionStages: ['AWSCURRENT'],
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    put: (secretId, value) => secrets.set(secretId, JSON.stringify(value)),
    reads: (secretId) => readCounts.get(secretId) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
