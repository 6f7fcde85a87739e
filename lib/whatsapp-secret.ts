import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SECRET_KEYS } from '../lambda/config/env-names';
// Written into a new secret until the `put-secret-value` step replaces it; the runtime answers
// "not configured" (503) while it is there, so it is shared with lambda/ rather than restated.
import { SECRET_PLACEHOLDER } from '../lambda/config/secret-placeholder';
import type { StageNames } from './stage-names';

export interface WhatsappSecretProps {
  /** Import this existing secret instead of creating one. */
  existingSecretName: string | undefined;
  names: StageNames;
}

/**
 * The one Secrets Manager secret holding the app secret, access token and verify token as JSON. A new
 * secret gets a random verify token and placeholders for the two values only Meta can issue, so no
 * credential ever appears in the template or in an environment variable. RETAIN: a destroy keeps it,
 * so its verify token (which Meta holds) and the filled credentials survive; a redeploy of the stage
 * takes it back with `-c secretName`. A staged stack names it `whatsapp-once/<stage>`.
 */
export class WhatsappSecret extends Construct {
  readonly secret: ISecret;
  /** What the function receives in WHATSAPP_SECRET_ID: a full ARN, or the name of an imported secret. */
  readonly secretId: string;

  constructor(scope: Construct, id: string, props: WhatsappSecretProps) {
    super(scope, id);
    if (props.existingSecretName !== undefined) {
      this.secret = Secret.fromSecretNameV2(this, 'Imported', props.existingSecretName);
      // An imported name has no random suffix, so its ARN is partial; the name is the exact id.
      this.secretId = props.existingSecretName;
      return;
    }
    const secret = new Secret(this, 'Secret', {
      ...props.names.secret(),
      removalPolicy: RemovalPolicy.RETAIN,
      description: `WhatsApp Cloud API credentials for whatsapp-once (JSON keys: ${Object.values(SECRET_KEYS).join(', ')})`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          [SECRET_KEYS.appSecret]: SECRET_PLACEHOLDER,
          [SECRET_KEYS.accessToken]: SECRET_PLACEHOLDER,
        }),
        generateStringKey: SECRET_KEYS.verifyToken,
        excludePunctuation: true,
        passwordLength: 40,
      },
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        "Meta issues the app secret and access token; a rotation Lambda cannot mint new ones. Rotate them in Meta's dashboard and put the new values here (the runtime re-reads the secret every 5 minutes).",
    });
    this.secret = secret;
    this.secretId = secret.secretArn;
  }
}
