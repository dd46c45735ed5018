// Verify credentials with an independent implementation: Digital Bazaar's @digitalbazaar/vc with a
// DataIntegrityProof and the eddsa-rdfc-2022 cryptosuite (safe-mode JSON-LD canonicalization).
//
//   node skillcommons/badges/interop/verify.mjs < cases.json
//
// stdin: a JSON array of {"credential": {...}, "documents": {"<url>": {...}, ...}}. `documents`
// holds whatever the credential refers to besides the bundled contexts: the issuer's DID
// document, for instance (for did:key the caller supplies the document it derives from the key).
// stdout: a JSON array, in the same order, of {"verified": true|false, "errors": ["...", ...]}.
//
// A credential with a `credentialStatus` is checked with @digitalbazaar/vc-bitstring-status-list:
// the status list credential (one of the supplied documents) must verify, come from the same
// issuer and have the same purpose, and the credential's bit must be clear; a set bit (revoked or
// suspended) makes the credential fail.
//
// The document loader serves only the contexts bundled in ../data/contexts/ (listed in its
// index.json) and the supplied documents; a fragment URL ("did:...#key") is answered with the
// matching verification method of the supplied document. Nothing is ever fetched from the network.

import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {checkStatus as checkBitstringStatus} from
  '@digitalbazaar/vc-bitstring-status-list';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';

const CONTEXTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'contexts');

function bundledContexts() {
  const index = JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8'));
  const contexts = new Map();
  for(const [url, file] of Object.entries(index)) {
    contexts.set(url, JSON.parse(readFileSync(join(CONTEXTS_DIR, file), 'utf8')));
  }
  return contexts;
}

function asList(value) {
  if(value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

function verificationMethodOf(document, url) {
  const fragment = url.slice(url.indexOf('#'));
  for(const method of asList(document.verificationMethod)) {
    if(method && typeof method === 'object' &&
      (method.id === url || method.id === fragment)) {
      return {
        '@context': document['@context'],
        ...method,
        id: url,
      };
    }
  }
  return undefined;
}

function makeDocumentLoader(contexts, documents) {
  return async url => {
    let document = contexts.get(url) ?? documents[url];
    if(document === undefined && url.includes('#')) {
      const base = documents[url.slice(0, url.indexOf('#'))];
      if(base !== undefined) {
        document = verificationMethodOf(base, url);
      }
    }
    if(document === undefined) {
      throw new Error(
        `Document not bundled or supplied (never fetched from the network): ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(document)};
  };
}

function errorMessages(error) {
  if(!error) {
    return [];
  }
  const messages = [];
  for(const item of asList(error)) {
    if(item && Array.isArray(item.errors) && item.errors.length > 0) {
      messages.push(...errorMessages(item.errors));
    } else if(item && item.message) {
      messages.push(`${item.name || 'Error'}: ${item.message}`.slice(0, 300));
    } else {
      messages.push(String(item).slice(0, 300));
    }
  }
  return messages;
}

// The status check @digitalbazaar/vc calls: verified only if every status list verifies and no
// bit is set (the library reports a set bit as `status: true` in a verified result).
async function checkStatus(options) {
  const result = await checkBitstringStatus(options);
  if(result.verified && asList(result.results).some(entry => entry.status)) {
    const purposes = asList(result.results)
      .filter(entry => entry.status)
      .map(entry => entry.credentialStatus.statusPurpose);
    return {
      verified: false,
      error: new Error(`Credential status is set: ${purposes.join(', ')}.`),
      results: result.results,
    };
  }
  return result;
}

async function verifyOne(contexts, item) {
  const {credential, documents = {}} = item;
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  try {
    const result = await vc.verifyCredential({
      credential,
      suite,
      documentLoader: makeDocumentLoader(contexts, documents),
      checkStatus,
    });
    const errors = errorMessages(result.error);
    if(result.statusResult && !result.statusResult.verified) {
      errors.push(...errorMessages(result.statusResult.error));
    }
    for(const proofResult of asList(result.results)) {
      if(!proofResult.verified) {
        errors.push(...errorMessages(proofResult.error));
      }
    }
    return {verified: result.verified === true, errors: [...new Set(errors)]};
  } catch(error) {
    return {verified: false, errors: errorMessages(error)};
  }
}

async function main() {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  if(!Array.isArray(input)) {
    throw new TypeError('stdin must hold a JSON array of {credential, documents}.');
  }
  const contexts = bundledContexts();
  const results = [];
  for(const item of input) {
    results.push(await verifyOne(contexts, item));
  }
  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(2);
});
