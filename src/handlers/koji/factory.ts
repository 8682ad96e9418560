/**
 * The Koji and Bodhi clients of one worker, made on first use. Koji's reads need no
 * credentials (its public hub by default); its builds need FORGEFLOW_KOJI_CERT, which the hub
 * checks when forgeflow logs in. Bodhi needs FORGEFLOW_BODHI_TOKEN for anything.
 */
import { BodhiClient, type BodhiClientOptions, type BodhiSettings } from '../bodhi/client.js';
import { lazyClient } from '../packit-submit.js';
import { KojiClient, type KojiClientOptions, type KojiSettings } from './client.js';

export function kojiClientFactory(
  settings: KojiSettings,
  options: KojiClientOptions = {},
): () => KojiClient {
  return lazyClient(
    () => null,
    () => new KojiClient(settings, options),
  );
}

export function bodhiClientFactory(
  settings: BodhiSettings,
  options: BodhiClientOptions = {},
): () => BodhiClient {
  return lazyClient(
    () =>
      settings.token === null
        ? 'Bodhi is not configured: set FORGEFLOW_BODHI_TOKEN to an OIDC access token of the Fedora account updates are made as (FORGEFLOW_BODHI_URL for another instance than https://bodhi.fedoraproject.org) to run bodhi_update jobs'
        : null,
    () => new BodhiClient({ ...settings, token: settings.token! }, options),
  );
}
