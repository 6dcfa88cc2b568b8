#!/bin/sh
# A stand-in for the Azure CLI's Key Vault secret commands (Key Vault does not run here), for
# RotateLinkKeyScriptTests: keeps the versions of one secret in $FAKE_AZ_STATE (value, enabled, order, content
# type per version) and logs every command line to $FAKE_AZ_STATE/calls.log.
S="${FAKE_AZ_STATE:?}"
echo "$*" >> "$S/calls.log"
command="$1 $2 $3"
shift 3
file=""; id=""; ctype=""; enabled=""; name=""
while [ $# -gt 0 ]; do
  case "$1" in
    --file) file="$2"; shift 2 ;;
    --id) id="$2"; shift 2 ;;
    --content-type) ctype="$2"; shift 2 ;;
    --enabled) enabled="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --vault-name|--encoding|--query|-o|--output) shift 2 ;;
    *) shift ;;
  esac
done
base="https://kv-test.vault.azure.net/secrets/$name"
count=$(find "$S" -name '*.value' | wc -l)
case "$command" in
  "keyvault secret show")
    [ "$count" -gt 0 ] || { echo "(SecretNotFound) A secret with (name/id) $name was not found in this key vault." >&2; exit 3; }
    echo "$base/$(cat "$S/current")" ;;
  "keyvault secret set")
    n=$((count + 1))
    version="${n}$(printf '%031d' 0)"
    cp "$file" "$S/$version.value"
    echo true > "$S/$version.enabled"
    echo "$n" > "$S/$version.order"
    echo "$ctype" > "$S/$version.type"
    echo "$version" > "$S/current"
    echo "$base/$version" ;;
  "keyvault secret list-versions")
    for f in "$S"/*.enabled; do
      if [ "$(cat "$f")" = true ]; then echo "$base/$(basename "$f" .enabled)"; fi
    done ;;
  "keyvault secret set-attributes")
    echo "$enabled" > "$S/${id##*/}.enabled" ;;
  *) echo "fake az: unexpected command: $command" >&2; exit 2 ;;
esac
exit 0
