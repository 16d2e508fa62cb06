// near-api-js relays a meta transaction (NEP-366) through near-safe node (run by
// tests/node/test_node_delegate.py from the folder jsclient.js_folder() prepared).
//
//     node delegate.mjs URL ROOT_SECRET APP_WASM   -> prints a JSON report, exit 0
//
// The user signs a DelegateAction with near-api-js's createSignedMetaTransaction (a fresh key,
// an account holding 1 NEAR); the relayer (the sandbox root) sends it with
// actions.signedDelegate and pays; then sends the same signed delegate again (a replay).
import { readFileSync } from "node:fs";

import {
  Account, actions, JsonRpcProvider, KeyPair, KeyPairSigner, nearToYocto, teraToGas,
} from "near-api-js";

const [url, rootSecret, appPath] = process.argv.slice(2);

async function main() {
  const report = {};
  const provider = new JsonRpcProvider({ url });
  const rootKey = KeyPair.fromString(rootSecret);
  const relayer = new Account("sandbox", provider, new KeyPairSigner(rootKey));
  const userKey = KeyPair.fromRandom("ed25519");
  await relayer.signAndSendTransaction({
    receiverId: "appjs.sandbox",
    actions: [actions.createAccount(), actions.transfer(nearToYocto(5)),
              actions.deployContract(readFileSync(appPath))],
  });
  await relayer.signAndSendTransaction({
    receiverId: "userjs.sandbox",
    actions: [actions.createAccount(), actions.transfer(nearToYocto(1)),
              actions.addFullAccessKey(userKey.getPublicKey())],
  });
  const user = new Account("userjs.sandbox", provider, new KeyPairSigner(userKey));
  const { signedDelegate } = await user.createSignedMetaTransaction({
    receiverId: "appjs.sandbox",
    actions: [actions.functionCall("who", {}, teraToGas(30), 0n)],
  });
  report.user_before = (await provider.viewAccount({ accountId: "userjs.sandbox" })).amount;
  const relayed = await relayer.signAndSendTransaction({
    receiverId: "userjs.sandbox", actions: [actions.signedDelegate(signedDelegate)],
  });
  report.status = relayed.status;
  report.action = Object.keys(relayed.transaction.actions[0])[0];
  report.receipts = relayed.receipts_outcome.map((r) => ({
    executor: r.outcome.executor_id, status: r.outcome.status }));
  report.user_after = (await provider.viewAccount({ accountId: "userjs.sandbox" })).amount;
  report.user_nonce = String((await user.getAccessKey(userKey.getPublicKey())).nonce);
  report.delegate_nonce = String(signedDelegate.delegateAction.nonce);
  const replay = await relayer.signAndSendTransaction({
    receiverId: "userjs.sandbox", actions: [actions.signedDelegate(signedDelegate)],
    throwOnFailure: false,
  });
  report.replay_status = replay.status;
  console.log(JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
