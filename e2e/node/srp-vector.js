#!/usr/bin/env node
// srp-vector.js computes Cognito SRP values with AWS's own JavaScript client
// (amazon-cognito-identity-js), so the Go tests can check internal/srp against it.
//
// stdin: one JSON object, or a JSON array of them:
//   {
//     "poolName":       "AbCdEf123",         // the pool id after "_" (or a device group key)
//     "username":       "USER_ID_FOR_SRP",   // (or a device key)
//     "password":       "...",
//     "aHex":           "...",               // the client's private value a, hex
//     "saltHex":        "...",               // SALT as Cognito sends it
//     "bHex":           "...",               // SRP_B as Cognito sends it
//     "secretBlockB64": "...",               // SECRET_BLOCK as Cognito sends it
//     "timestamp":      "...",               // TIMESTAMP to sign; if absent, the one for "date"
//     "date":           "2017-04-05T22:42:34Z" // optional: any instant
//     "deviceGroupKey": "...", "deviceKey": "..." // a new device's verifier, see below
//   }
// Every field is optional, in groups: aHex gives A_hex; aHex + saltHex + bHex + username +
// password give key_hex; with secretBlockB64 and a timestamp (or date) also signature_b64;
// date alone gives timestamp_for_date. deviceGroupKey + deviceKey give a new device's
// device_password, device_salt_b64 and device_verifier_b64: AuthenticationHelper.generateHashDevice
// draws the password and salt, and both are encoded as CognitoUser encodes ConfirmDevice's
// DeviceSecretVerifierConfig.
//
// stdout: the matching JSON object (or array):
//   {"A_hex", "key_hex", "signature_b64", "timestamp", "timestamp_for_date",
//    "device_password", "device_salt_b64", "device_verifier_b64"}
//
// Nothing here re-implements SRP: A comes from AuthenticationHelper.getLargeAValue after its small
// a is set, the key from AuthenticationHelper.getPasswordAuthenticationKey, the timestamp from
// DateHelper.getNowString (run with the clock pinned to "date"), and the signature is built
// exactly as CognitoUser.authenticateUserDefaultAuth builds PASSWORD_CLAIM_SIGNATURE.
'use strict';

const path = require('node:path');
const { AuthenticationHelper, DateHelper } = require('amazon-cognito-identity-js');

// CognitoUser hashes with @aws-crypto/sha256-js; resolve the copy amazon-cognito-identity-js uses.
const { Sha256 } = require(
  require.resolve('@aws-crypto/sha256-js', {
    paths: [path.dirname(require.resolve('amazon-cognito-identity-js'))],
  }),
);

// nowStringAt runs DateHelper.getNowString with the global clock pinned to date.
function nowStringAt(date) {
  const pinned = new Date(date).getTime();
  if (Number.isNaN(pinned)) {
    throw new Error(`invalid date ${JSON.stringify(date)}`);
  }
  const RealDate = global.Date;
  global.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) {
        super(pinned);
      } else {
        super(...args);
      }
    }

    static now() {
      return pinned;
    }
  };
  try {
    return new DateHelper().getNowString();
  } finally {
    global.Date = RealDate;
  }
}

// callback turns a node-style callback API into a value, failing loudly if it is never called.
function callback(fn) {
  let result;
  let done = false;
  fn((err, value) => {
    if (err) {
      throw err;
    }
    result = value;
    done = true;
  });
  if (!done) {
    throw new Error('callback was not called synchronously');
  }
  return result;
}

function compute(input) {
  const out = {};
  if (input.date !== undefined) {
    out.timestamp_for_date = nowStringAt(input.date);
  }
  if (input.deviceGroupKey !== undefined) {
    const device = new AuthenticationHelper(input.deviceGroupKey);
    callback((cb) => device.generateHashDevice(input.deviceGroupKey, input.deviceKey, cb));
    out.device_password = device.getRandomPassword();
    out.device_salt_b64 = Buffer.from(device.getSaltDevices(), 'hex').toString('base64');
    out.device_verifier_b64 = Buffer.from(device.getVerifierDevices(), 'hex').toString('base64');
  }
  if (input.aHex === undefined) {
    return out;
  }

  const helper = new AuthenticationHelper(input.poolName);
  // The library's own BigInteger class, without reaching into its internals by path.
  const BigInteger = helper.N.constructor;
  // Replace the random small a and let the helper compute A = g^a mod N itself.
  helper.smallAValue = new BigInteger(input.aHex, 16);
  helper.largeAValue = undefined;
  const A = callback((cb) => helper.getLargeAValue(cb));
  out.A_hex = A.toString(16);

  if (input.bHex === undefined || input.saltHex === undefined) {
    return out;
  }
  const key = callback((cb) =>
    helper.getPasswordAuthenticationKey(
      input.username,
      input.password,
      new BigInteger(input.bHex, 16),
      new BigInteger(input.saltHex, 16),
      cb,
    ),
  );
  out.key_hex = Buffer.from(key).toString('hex');

  const timestamp = input.timestamp !== undefined ? input.timestamp : out.timestamp_for_date;
  if (input.secretBlockB64 === undefined || timestamp === undefined) {
    return out;
  }
  // As CognitoUser.authenticateUserDefaultAuth does it.
  const concatBuffer = Buffer.concat([
    Buffer.from(input.poolName, 'utf8'),
    Buffer.from(input.username, 'utf8'),
    Buffer.from(input.secretBlockB64, 'base64'),
    Buffer.from(timestamp, 'utf8'),
  ]);
  const awsCryptoHash = new Sha256(key);
  awsCryptoHash.update(concatBuffer);
  out.signature_b64 = Buffer.from(awsCryptoHash.digestSync()).toString('base64');
  out.timestamp = timestamp;
  return out;
}

function main() {
  const chunks = [];
  process.stdin.on('data', (chunk) => chunks.push(chunk));
  process.stdin.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const output = Array.isArray(input) ? input.map(compute) : compute(input);
    process.stdout.write(`${JSON.stringify(output)}\n`);
  });
}

main();
