import fc from 'fast-check';

/**
 * Webhook envelopes as Meta sends them, with any part replaced now and then by a value of the
 * wrong type or left out. Phone numbers and texts are distinctive, so a log line containing one
 * is a leak and not a coincidence.
 */
const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 8 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
/** Mostly the right thing, sometimes junk: one in 15 at each level, so most envelopes stay usable. */
const usually = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: arb, weight: 14 }, { arbitrary: junk, weight: 1 });

export const TENANTS = ['106540352242922', '107655329872345'] as const;
/** A small pool, so one envelope often carries the same wamid twice. */
export const wamidArb = fc.constantFrom(
  ...['Aa', 'Bb', 'Cc', 'Dd', 'Ee', 'Ff', 'Gg', 'Hh'].map((suffix) => `wamid.HBgLpropx${suffix}`),
);
export const phoneArb = fc.integer({ min: 1_000_000, max: 9_999_999 }).map((n) => `1555${n}`);
export const textArb = fc.string({ minLength: 1, maxLength: 30 }).map((s) => `text-${s}-\u00e9/\u{1F44D}`);

/** Epoch seconds as Meta writes them, fixed when the module loads (a run lasts minutes, not a day). */
const SENT_A_MINUTE_AGO = String(Math.floor(Date.now() / 1000) - 60);

const messageItem = usually(
  fc.record(
    {
      id: usually(wamidArb),
      from: usually(phoneArb),
      // Mostly a message sent a minute ago; sometimes Meta's 2025 doc example, long past the 24 h window.
      timestamp: usually(fc.constantFrom(SENT_A_MINUTE_AGO, SENT_A_MINUTE_AGO, '1749416383')),
      type: usually(
        fc.constantFrom('text', 'text', 'text', 'image', 'reaction', 'hologram', 'unsupported', ''),
      ),
      text: usually(fc.record({ body: usually(textArb) })),
    },
    { requiredKeys: ['id', 'from', 'type'] },
  ),
);
const statusItem = usually(
  fc.record(
    {
      id: usually(fc.constantFrom('wamid.out1', 'wamid.out2')),
      status: usually(fc.constantFrom('sent', 'delivered', 'read', 'failed', 'deleted')),
      recipient_id: usually(phoneArb),
      biz_opaque_callback_data: usually(fc.string({ maxLength: 20 })),
      errors: usually(fc.array(fc.record({ code: usually(fc.integer()), title: usually(fc.string()) }))),
    },
    { requiredKeys: ['id', 'status'] },
  ),
);
const valueArb = fc.record(
  {
    messaging_product: fc.constant('whatsapp'),
    metadata: usually(
      fc.record({ display_phone_number: phoneArb, phone_number_id: usually(fc.constantFrom(...TENANTS)) }),
    ),
    contacts: fc.array(fc.record({ wa_id: phoneArb, profile: fc.record({ name: fc.string() }) }), {
      maxLength: 2,
    }),
    messages: usually(fc.array(messageItem, { minLength: 1, maxLength: 5 })),
    statuses: usually(fc.array(statusItem, { maxLength: 3 })),
    errors: usually(
      fc.array(fc.record({ code: usually(fc.integer()), title: usually(fc.string()) }), { maxLength: 2 }),
    ),
  },
  { requiredKeys: ['messaging_product', 'metadata', 'messages'] },
);
const changeArb = usually(fc.record({ field: fc.constant('messages'), value: usually(valueArb) }));
const entryArb = usually(
  fc.record({
    id: fc.constant('102290129340398'),
    changes: usually(fc.array(changeArb, { minLength: 1, maxLength: 3 })),
  }),
);

export const envelopeArb = fc.record({
  object: fc.oneof(
    { arbitrary: fc.constant('whatsapp_business_account'), weight: 14 },
    { arbitrary: junk, weight: 1 },
  ),
  entry: usually(fc.array(entryArb, { minLength: 1, maxLength: 3 })),
});

/** Every phone number and text an envelope carries (for the log hygiene check). */
export function personalData(value: unknown): { phoneNumbers: string[]; texts: string[] } {
  const phoneNumbers: string[] = [];
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) Object.values(node).forEach(visit);
    else if (typeof node === 'string' && /^1555\d{7}$/.test(node)) phoneNumbers.push(node);
    else if (typeof node === 'string' && node.startsWith('text-')) texts.push(node);
  };
  visit(value);
  return { phoneNumbers, texts };
}
