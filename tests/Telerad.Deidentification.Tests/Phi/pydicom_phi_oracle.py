"""Independent checks for the planted-PHI corpus, with pydicom and Python's codecs (run by PydicomPhiOracle.cs).

  scan REQUEST.json      which identifiers' parts pydicom finds in the decoded text of each file
                         request: {"files": [...], "identifiers": {"id": ["part", ...]}}
                         prints:  {"file": ["id", ...]}
  encodings PARTS.json   Python's bytes of each part: {"part": {"codec": "HEX" or null}}
  names FILES.json       what pydicom decodes as Patient's Name and Other Patient Names: {"file": {"name": str, "others": [str]}}
"""
import json
import sys

import pydicom
from pydicom.valuerep import PersonName

TEXT_VRS = {"AE", "CS", "DA", "DT", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"}


def values_of(element):
    value = element.value
    if value is None:
        return []
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return [str(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return []
    return [str(value)]


def texts(ds):
    found = []
    datasets = [ds]
    meta = getattr(ds, "file_meta", None)
    if meta is not None:
        datasets.append(meta)
    for d in datasets:
        try:
            for element in d.iterall():
                if element.VR in TEXT_VRS:
                    found.extend(values_of(element))
        except Exception as e:  # a broken file: keep what was read
            print(f"warning: {type(e).__name__} while walking", file=sys.stderr)
    return found


def contains(text, part):
    if all(ord(c) < 128 for c in part):
        return part.lower() in text.lower()
    return part in text


def scan(request):
    result = {}
    for path in request["files"]:
        try:
            ds = pydicom.dcmread(path, force=True)
            strings = texts(ds)
        except Exception as e:
            print(f"warning: {path}: {type(e).__name__}", file=sys.stderr)
            strings = []
        ids = sorted({identifier for identifier, parts in request["identifiers"].items()
                      for part in parts for s in strings if contains(s, part)})
        result[path] = ids
    return result


def iso2022_raw(part):
    encoded = part.encode("iso2022_jp")
    if not encoded.startswith(b"\x1b$B"):
        return None
    return encoded[3:].split(b"\x1b")[0]


def encodings(parts):
    codecs = {"Latin1": "latin-1", "Utf8": "utf-8", "Utf16LE": "utf-16-le", "Utf16BE": "utf-16-be",
              "ShiftJis": "shift_jis", "EucJp": "euc_jp"}
    result = {}
    for part in parts:
        entry = {}
        for name, codec in codecs.items():
            try:
                entry[name] = part.encode(codec).hex().upper()
            except UnicodeEncodeError:
                entry[name] = None
        try:
            raw = iso2022_raw(part)
        except UnicodeEncodeError:
            raw = None
        entry["Iso2022Jis"] = raw.hex().upper() if raw is not None else None
        result[part] = entry
    return result


def names(files):
    result = {}
    for path in files:
        ds = pydicom.dcmread(path)
        others = ds.get("OtherPatientNames", None)
        others = [] if others is None else ([str(v) for v in others] if not isinstance(others, (str, PersonName)) else [str(others)])
        result[path] = {"name": str(ds.PatientName), "others": others}
    return result


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        request = json.load(f)
    handlers = {"scan": scan, "encodings": encodings, "names": names}
    json.dump(handlers[mode](request), sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
