import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sdkAssets, type Asset } from '../../src/main/stomp/client-assets.js';
import { buildSdk, type SdkBuild } from '../../tools/build-sdk.js';

let built: Promise<SdkBuild> | null = null;

/** The SDK bundles built from the current sources, once per test process. */
export function freshSdk(): Promise<SdkBuild> {
  built ??= mkdtemp(path.join(tmpdir(), 'tm-sdk-')).then((dir) =>
    buildSdk(dir, { declarations: false }),
  );
  return built;
}

/**
 * A page of the agent's own origin that loads the SDK as a classic script: `added` is what the
 * script added to `window`; `start(options)` connects and records every event in `log`.
 */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>SDK test page</title>
<p><a id="tel" href="tel:+48%2022%20555%2001%2002">+48 22 555 01 02</a></p>
<script>var before = Object.getOwnPropertyNames(window);</script>
<script src="tapi-messenger.js"></script>
<script>
  window.added = Object.getOwnPropertyNames(window).filter(function (name) {
    return before.indexOf(name) < 0;
  });
</script>
<script>
  var log = { calls: [], states: [], errors: [], asked: [] };
  var client = null;
  /** Clicks the tel: link; resolves whether the click was taken over (default prevented). */
  function clickTel() {
    return new Promise(function (resolve) {
      document.addEventListener('click', function (event) {
        resolve(event.defaultPrevented);
        event.preventDefault();
      }, { once: true });
      document.querySelector('#tel').click();
    });
  }
  function start(options) {
    client = TapiMessenger.connect(options);
    client.on('call', function (call) { log.calls.push(call); });
    client.on('status', function (status) { log.states.push(status.state); });
    client.on('error', function (error) { log.errors.push(error.code); });
  }
</script>
`;

/** The fresh SDK and the test page (`sdk-test.html`), as files the agent serves. */
export async function sdkTestAssets(): Promise<Map<string, Asset>> {
  const { dir } = await freshSdk();
  const page = path.join(dir, 'sdk-test.html');
  await writeFile(page, PAGE);
  return new Map([
    ...sdkAssets(dir),
    ['sdk-test.html', { file: page, contentType: 'text/html; charset=utf-8' }],
  ]);
}
