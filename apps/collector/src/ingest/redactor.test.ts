import { describe, expect, it } from 'vitest';
import { makeLog, makeSpan, newTraceId } from '../../test/helpers/make-span.js';
import { REDACTED, Redactor } from './redactor.js';

describe('Redactor', () => {
  it('redacts credentials in headers and secret-named attributes, and keeps the rest', () => {
    const span = makeSpan({
      traceId: newTraceId(),
      attributes: {
        'http.request.header.authorization': ['Bearer abc'],
        'http.request.header.cookie': ['session=1'],
        'http.response.header.set-cookie': ['session=2'],
        'db.password': 'hunter2',
        'app.api_key': 'k',
        'stripe.client_secret': 's',
        'user.token': 't',
        'llm.usage.total_tokens': 42,
        'http.route': '/login',
        'db.statement': 'SELECT 1',
      },
    });
    new Redactor().batch([span], []);
    expect(span.attributes).toEqual({
      'http.request.header.authorization': REDACTED,
      'http.request.header.cookie': REDACTED,
      'http.response.header.set-cookie': REDACTED,
      'db.password': REDACTED,
      'app.api_key': REDACTED,
      'stripe.client_secret': REDACTED,
      'user.token': REDACTED,
      'llm.usage.total_tokens': 42,
      'http.route': '/login',
      'db.statement': 'SELECT 1',
    });
  });

  it('scrubs secret query parameters from URLs', () => {
    const span = makeSpan({
      traceId: newTraceId(),
      attributes: {
        'url.full': 'https://api.example/v1/x?id=7&access_token=abc123&page=2',
        'url.path': '/v1/x',
      },
    });
    new Redactor().batch([span], []);
    expect(span.attributes['url.full']).toBe(`https://api.example/v1/x?id=7&access_token=${REDACTED}&page=2`);
  });

  it('covers event, link, resource and log attributes, with a custom pattern', () => {
    const span = makeSpan({ traceId: newTraceId() });
    span.events.push({ name: 'e', timeUnixNano: 1n, attributes: { ssn: '123-45-6789' } });
    span.resource = { 'service.name': 'orders', ssn: 'x' };
    const log = makeLog(span, 'hello');
    log.attributes = { ssn: 'y', other: 'z' };
    new Redactor({ extraPatterns: [/(^|\.)ssn$/] }).batch([span], [log]);
    expect(span.events[0]!.attributes.ssn).toBe(REDACTED);
    expect(span.resource.ssn).toBe(REDACTED);
    expect(log.attributes).toEqual({ ssn: REDACTED, other: 'z' });
  });

  /** Redacts `attributes` on a span with the default rules and returns them. */
  const redacted = (attributes: Record<string, string | string[]>, redactor = new Redactor()) => {
    const span = makeSpan({ traceId: newTraceId(), attributes });
    redactor.batch([span], []);
    return span.attributes;
  };

  it('redacts keys a security reviewer lists, and keeps counts and harmless keys', () => {
    const sensitive = [
      'aws.secret_access_key',
      'userPassword',
      'credentials',
      'jwt',
      'session_id',
      'session.id',
      'db.connection_string',
      'env.DATABASE_URL',
      'http.request.header.x-api-key',
      'http.request.header.x-csrf-token',
      'http.request.header.proxy-authorization',
      'rpc.grpc.request.metadata.authorization',
      'oauth.id_token',
      'client_secret',
      'PHPSESSID',
      'mysql_pwd',
      'app.privateKey',
      'AWSAccessKeyId',
      'azure.storage.account_key',
    ];
    const harmless = [
      'gen_ai.usage.input_tokens',
      'llm.token_count.prompt',
      'http.response.status_code',
      'messaging.kafka.message.key',
      'enduser.id',
      'db.system',
    ];
    const attributes = Object.fromEntries([...sensitive, ...harmless].map((key) => [key, `v-${key}`]));
    const out = redacted(attributes);
    for (const key of sensitive) expect([key, out[key]]).toEqual([key, REDACTED]);
    for (const key of harmless) expect(out[key]).toBe(`v-${key}`);
  });

  it.each([
    ['url.query without its ?', 'token=abc123&page=2', `token=${REDACTED}&page=2`],
    ['a password in url.full', 'https://bob:hunter2@api.example/x', `https://bob:${REDACTED}@api.example/x`],
    [
      'a fragment',
      'https://app.example/cb#access_token=abc&state=1',
      `https://app.example/cb#access_token=${REDACTED}&state=1`,
    ],
    [
      'an OAuth code',
      'https://app.example/cb?code=4/0Ad&state=x',
      `https://app.example/cb?code=${REDACTED}&state=x`,
    ],
    [
      'a presigned S3 URL',
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=ab12',
      `https://b.s3.amazonaws.com/k?X-Amz-Credential=${REDACTED}&X-Amz-Signature=${REDACTED}`,
    ],
    [
      'client_secret and id_token',
      'client_id=web&client_secret=s3&id_token=t',
      `client_id=web&client_secret=${REDACTED}&id_token=${REDACTED}`,
    ],
    ['a percent-encoded key', '/x?access%5Ftoken=abc', `/x?access%5Ftoken=${REDACTED}`],
    ['a URL encoded inside a parameter', '/login?next=%2Fcb%3Ftoken%3Dabc', `/login?next=${REDACTED}`],
    [
      'a Postgres PASSWORD literal',
      "ALTER ROLE app WITH LOGIN PASSWORD 'hunter2'",
      `ALTER ROLE app WITH LOGIN PASSWORD '${REDACTED}'`,
    ],
    [
      'a MySQL IDENTIFIED BY',
      "CREATE USER 'u'@'%' IDENTIFIED BY 'hunter2'",
      `CREATE USER 'u'@'%' IDENTIFIED BY '${REDACTED}'`,
    ],
    [
      'an Oracle bare IDENTIFIED BY',
      'ALTER USER scott IDENTIFIED BY tiger;',
      `ALTER USER scott IDENTIFIED BY ${REDACTED};`,
    ],
    [
      'an UPDATE setting a password',
      "UPDATE users SET password = 'x1' WHERE id = 1",
      `UPDATE users SET password = '${REDACTED}' WHERE id = 1`,
    ],
    [
      'an ADO.NET connection string',
      'Server=db;User Id=sa;Password=my secret;Encrypt=true',
      `Server=db;User Id=sa;Password=${REDACTED};Encrypt=true`,
    ],
    [
      'an Azure connection string',
      'AccountName=a;AccountKey=Zm9v==;EndpointSuffix=core',
      `AccountName=a;AccountKey=${REDACTED};EndpointSuffix=core`,
    ],
    [
      'a database URL anywhere',
      'connecting to postgres://app:pa@ss@db:5432/orders',
      `connecting to postgres://app:${REDACTED}@db:5432/orders`,
    ],
    [
      'a bearer token in text',
      'sent Authorization: Bearer sk_live_abcdef123',
      `sent Authorization: Bearer ${REDACTED}`,
    ],
    [
      'a Basic credential in text',
      'header Authorization: Basic dXNlcjpwYXNz',
      `header Authorization: Basic ${REDACTED}`,
    ],
    ['a JWT', 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-part', `jwt ${REDACTED}`],
    [
      'a command line flag',
      'node app.js --api-key=abc --port=3000',
      `node app.js --api-key=${REDACTED} --port=3000`,
    ],
    ['a logged JSON body', '{"user":"bob","password":"hunter2"}', `{"user":"bob","password":"${REDACTED}"}`],
  ])('scrubs %s from any value', (_case, value, expected) => {
    expect(redacted({ 'some.value': value })['some.value']).toBe(expected);
  });

  it('leaves ordinary values alone', () => {
    const values = [
      'SELECT password_hash FROM users WHERE id = $1',
      'Basic authentication failed for user bob',
      'https://api.example/v1/orders?id=7&page=2',
      'GET /orders/:id',
    ];
    const out = redacted(Object.fromEntries(values.map((v, i) => [`k${i}`, v])));
    expect(Object.values(out)).toEqual(values);
  });

  it('scrubs a Referer header array, span names, status messages and log bodies', () => {
    const span = makeSpan({
      traceId: newTraceId(),
      attributes: { 'http.request.header.referer': ['https://app.example/cb?code=abc'] },
    });
    span.name = 'GET /cb?token=abc';
    span.status = { code: 'ERROR', message: 'auth failed for https://u:pw@x.example' };
    const log = makeLog(span, 'login with password=hunter2');
    const mapLog = makeLog(span, 'x');
    mapLog.body = { user: 'bob', credentials: { password: 'p' }, url: 'https://x/?sig=abc' };
    new Redactor().batch([span], [log, mapLog]);
    expect(span.attributes['http.request.header.referer']).toEqual([
      `https://app.example/cb?code=${REDACTED}`,
    ]);
    expect(span.name).toBe(`GET /cb?token=${REDACTED}`);
    expect(span.status.message).toBe(`auth failed for https://u:${REDACTED}@x.example`);
    expect(log.body).toBe(`login with password=${REDACTED}`);
    expect(mapLog.body).toEqual({ user: 'bob', credentials: REDACTED, url: `https://x/?sig=${REDACTED}` });
  });

  it('adds --redact-pattern to the defaults, and takes only --redact-keep keys out', () => {
    const out = redacted(
      {
        ssn: '123-45-6789',
        'http.request.header.authorization': 'Bearer abc',
        'app.password': 'p',
        'session.id': 's-1',
        'url.query': 'ssn=1&x=2',
      },
      new Redactor({ extraPatterns: [/^ssn$/i], keep: ['session.id'] }),
    );
    expect(out).toEqual({
      ssn: REDACTED,
      'http.request.header.authorization': REDACTED,
      'app.password': REDACTED,
      'session.id': 's-1',
      'url.query': `ssn=${REDACTED}&x=2`,
    });
  });
});
