// near-api-js drives near-safe node (run by tests/node/test_node_nearapijs.py from the folder
// where `npm ci` installed package-lock.json, see tests/node/jsclient.py).
//
//     node client.mjs URL ROOT_SECRET POOL_WASM VAULT_WASM   -> prints a JSON report, exit 0
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import {
  Account, actions, JsonRpcProvider, KeyPair, KeyPairSigner, nearToYocto, teraToGas,
} from "near-api-js";

const [url, rootSecret, poolPath, vaultPath] = process.argv.slice(2);

async function main() {
  const report = {};
  const provider = new JsonRpcProvider({ url });
  const key = KeyPair.fromString(rootSecret);
  const signer = new KeyPairSigner(key);
  const as = (id) => new Account(id, provider, signer);
  const root = as("sandbox");
  const poolCode = readFileSync(poolPath);
  const vaultCode = readFileSync(vaultPath);

  report.root_balance = (await root.getBalance()).toString();
  // create + fund + key + deploy in one transaction each
  for (const [id, code] of [["pooljs.sandbox", poolCode], ["vaultjs.sandbox", vaultCode]]) {
    await root.signAndSendTransaction({
      receiverId: id,
      actions: [actions.createAccount(), actions.transfer(nearToYocto(20)),
                actions.addFullAccessKey(key.getPublicKey()), actions.deployContract(code)],
    });
  }
  await root.signAndSendTransaction({
    receiverId: "alicejs.sandbox",
    actions: [actions.createAccount(), actions.transfer(nearToYocto(50)),
              actions.addFullAccessKey(key.getPublicKey())],
  });
  // view the code back
  const pool = as("pooljs.sandbox");
  const code = await pool.getContractCode();
  report.code_matches = Buffer.from(code.code).equals(poolCode);
  const sha = createHash("sha256").update(poolCode).digest();
  const state = await pool.getState();
  report.code_hash = state.codeHash;
  report.code_sha256_hex = sha.toString("hex");
  // init (private: the vault signs its own init)
  await as("vaultjs.sandbox").callFunction({
    contractId: "vaultjs.sandbox", methodName: "new", args: { pool: "pooljs.sandbox" },
  });
  const alice = as("alicejs.sandbox");
  // a cross-contract call with a callback: the vault stakes in the pool, on_staked credits
  const res = await alice.callFunctionRaw({
    contractId: "vaultjs.sandbox", methodName: "deposit_and_stake",
    deposit: nearToYocto(5), gas: teraToGas(300),
  });
  report.stake_receipts = res.receipts_outcome.length;
  report.stake_status = Object.keys(res.status)[0];
  const view = (contractId, method, args) => provider.callFunction({ contractId, method, args });
  report.staked_of = String(await view("vaultjs.sandbox", "staked_of",
                                       { account_id: "alicejs.sandbox" }));
  report.pool_stake_of_vault = String(await view("pooljs.sandbox", "stake_of",
                                                 { account_id: "vaultjs.sandbox" }));
  // a failing call whose deposit comes back: the pool refuses, the callback gives it back
  await alice.callFunction({ contractId: "pooljs.sandbox", methodName: "set_failing",
                             args: { failing: true } });
  let before = await alice.getBalance();
  const failed = await alice.signAndSendTransaction({
    receiverId: "vaultjs.sandbox", throwOnFailure: false,
    actions: [actions.functionCall("deposit_and_stake", {}, teraToGas(300), nearToYocto(5))],
  });
  report.failing_receipt_failures = failed.receipts_outcome.filter(
    (r) => "Failure" in r.outcome.status).length;
  report.failing_call_cost = (before - (await alice.getBalance())).toString();
  report.staked_of_after_failure = String(await view("vaultjs.sandbox", "staked_of",
                                                     { account_id: "alicejs.sandbox" }));
  // a direct failing call with a deposit: near-api-js throws, the deposit comes back
  before = await alice.getBalance();
  try {
    await alice.callFunction({ contractId: "pooljs.sandbox", methodName: "deposit_and_stake",
                               deposit: nearToYocto(2) });
    report.direct_failure_error = null;
  } catch (e) {
    report.direct_failure_error = e.constructor.name;
    report.direct_failure_message = String(e.message);
  }
  report.direct_failure_cost = (before - (await alice.getBalance())).toString();
  // transaction status by hash
  const sent = await alice.transfer({ receiverId: "vaultjs.sandbox", amount: nearToYocto(1) });
  const status = await provider.viewTransactionStatus({
    txHash: sent.transaction.hash, accountId: "alicejs.sandbox", waitUntil: "FINAL" });
  report.tx_status_matches = status.transaction.hash === sent.transaction.hash;
  report.alice_balance = (await alice.getBalance()).toString();
  console.log(JSON.stringify(report));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
