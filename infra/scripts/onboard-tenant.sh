#!/usr/bin/env sh
# Onboard a tenant's de-identification keys: creates the Key Vault secrets deid-{tenant}-pseudonym and
# deid-{tenant}-map (32 random bytes each, base64) that KeyVaultKeyProvider reads. Refuses to overwrite existing
# ones (a new pseudonym key would break the pseudonyms of studies already de-identified). The values go from
# openssl to Key Vault through a temporary file readable only by you; they are never printed.
# Needs: az login, Key Vault Secrets Officer on the vault (e.g. through PIM), network access to the vault
# (with private networking: from inside the VNet).
#   infra/scripts/onboard-tenant.sh VAULT_NAME TENANT_ID
set -eu
VAULT="${1:?vault name}"
TENANT="${2:?tenant id}"
case "$TENANT" in
  [!A-Za-z0-9]*|*[!A-Za-z0-9._-]*|'') echo "tenant id: a letter or digit followed by letters, digits, '.', '_' or '-'" >&2; exit 2 ;;
esac

umask 077
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
for kind in pseudonym map; do
  name="deid-$TENANT-$kind"
  if az keyvault secret show --vault-name "$VAULT" --name "$name" --query id -o tsv >/dev/null 2>&1; then
    echo "$name exists; left unchanged (see docs/deployment.md, 'Rotating keys')."
    continue
  fi
  openssl rand -base64 32 | tr -d '\n' > "$TMP"
  az keyvault secret set --vault-name "$VAULT" --name "$name" --file "$TMP" --encoding utf-8 \
    --content-type "telerad-deid-key;base64;32" --only-show-errors --output none
  echo "created $name"
done
