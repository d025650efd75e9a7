// `npm run vault:rotate`: re-encrypts every stored secret with the newest key of VAULT_KEYS.
import { portalSecrets } from '@/lib/env';
import { rotateSecrets } from '@/lib/vault';
import { runCommand } from '@/scripts/cli';

await runCommand('vault:rotate', async () => {
  const newest = portalSecrets().vaultKeys.at(-1)!;
  const count = await rotateSecrets((done) => console.log(`  re-encrypted ${done}…`));
  console.log(`Re-encrypted ${count} secret(s) with key "${newest.id}".`);
});
