#!/usr/bin/env sh
# Create or rotate the key that signs radiologists' viewer, accept and decline links: a new version of the Key Vault
# secret link-signing-key holding 32 random bytes in base64 (HMAC-SHA256, KeyVaultLinkSigningKeys in the app). The
# first run creates the secret. The value goes from openssl to Key Vault through a temporary file readable only by
# you; it is never printed.
# The app reads the key when it starts: restart it afterwards (az functionapp restart). It then signs with the new
# version and still accepts links signed with the previous enabled version, so links already sent keep working.
# --revoke (a key that leaked): also disable every other version, so links signed before the rotation stop working.
# Needs: az login, Key Vault Secrets Officer on the vault (e.g. through PIM), network access to the vault
# (with private networking: from inside the VNet).
#   infra/scripts/rotate-link-key.sh VAULT_NAME [--revoke]
set -eu
VAULT="${1:?vault name}"
REVOKE=false
case "${2:-}" in
  '') ;;
  --revoke) REVOKE=true ;;
  *) echo "usage: $0 VAULT_NAME [--revoke]" >&2; exit 2 ;;
esac
NAME=link-signing-key

if az keyvault secret show --vault-name "$VAULT" --name "$NAME" --query id -o tsv >/dev/null 2>&1; then
  ACTION=rotated
else
  ACTION=created
fi

umask 077
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
openssl rand -base64 32 | tr -d '\n' > "$TMP"
# Only the new version's id comes back (--query id), never the value.
NEW_ID=$(az keyvault secret set --vault-name "$VAULT" --name "$NAME" --file "$TMP" --encoding utf-8 \
  --content-type "telerad-link-key;base64;32" --only-show-errors --query id -o tsv)
rm -f "$TMP"
echo "$ACTION $NAME: version ${NEW_ID##*/}"

if [ "$REVOKE" = true ]; then
  for id in $(az keyvault secret list-versions --vault-name "$VAULT" --name "$NAME" --query "[?attributes.enabled].id" -o tsv); do
    if [ "$id" != "$NEW_ID" ]; then
      az keyvault secret set-attributes --id "$id" --enabled false --only-show-errors --output none
      echo "disabled version ${id##*/}"
    fi
  done
fi

echo "Restart the app so it signs with the new version: az functionapp restart -g RESOURCE_GROUP -n FUNCTION_APP"
