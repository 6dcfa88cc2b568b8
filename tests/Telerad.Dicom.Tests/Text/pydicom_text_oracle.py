"""Independent oracle for Telerad's character set tests: pydicom's own decoding.

  text FILE...     every SH/LO/ST/LT/UT/UC/PN element of each file, nested sequences included, as pydicom decodes
                   them (PN: the component groups of each value), one JSON object on stdout
  decode FILE      reads [{"terms": [...], "vr": "PN", "hex": "..."}] from FILE; prints what pydicom decodes for
                   each (PN: the values' component groups; other VRs: the values), as a JSON list
  temporal FILE    reads [{"vr": "DA"|"TM"|"DT", "text": "..."}] from FILE; prints pydicom's reading of each as an
                   ISO 8601 string (DT with its UTC offset when it has one), or null when pydicom refuses it
  names FILE...    every PN value of each file split by pydicom's PersonName into groups and components
  tables           every code of the single-byte sets (as pydicom maps each Defined Term to a Python codec) and of
                   the 94x94 sets JIS X 0208, JIS X 0212, KS X 1001, GB 2312, decoded by Python's codecs
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")

TEXT_VRS = ("SH", "LO", "ST", "LT", "UT", "UC", "PN")


def text_elements(dataset, path, out):
    for element in dataset:
        key = path + [f"{element.tag.group:04X}{element.tag.element:04X}"]
        if element.VR == "SQ":
            for index, item in enumerate(element.value):
                text_elements(item, key + [str(index)], out)
            continue
        if element.VR not in TEXT_VRS:
            continue
        value = element.value
        values = list(value) if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue" else [value]
        if element.VR == "PN":
            decoded = [list(v.components) if hasattr(v, "components") else [str(v)] for v in values if v is not None]
        else:
            decoded = ["" if v is None else str(v) for v in values]
        out.append({"path": "/".join(key), "vr": element.VR, "values": decoded})


def text(files):
    import pydicom

    result = {}
    for name in files:
        try:
            dataset = pydicom.dcmread(name, stop_before_pixels=True, force=True)
            dataset.decode()
            elements = []
            text_elements(dataset, [], elements)
            result[name] = {"elements": elements}
        except Exception as error:  # a file pydicom cannot read is reported, not compared
            result[name] = {"error": type(error).__name__}
    return result


def tables():
    from pydicom.charset import python_encoding

    single = {}
    for term in ("ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144", "ISO_IR 127", "ISO_IR 126",
                 "ISO_IR 138", "ISO_IR 148", "ISO_IR 166", "ISO_IR 13"):
        codec = python_encoding[term]
        single[term] = [decode_one(bytes([b]), codec) for b in range(256)]
    # ISO-IR 203 (Latin-9) is not in this pydicom's table; Python's codec for ISO 8859-15 is.
    single["ISO_IR 203"] = [decode_one(bytes([b]), "iso8859_15") for b in range(256)]

    double = {}
    codes = [(row, cell) for row in range(0x21, 0x7F) for cell in range(0x21, 0x7F)]
    double["ISO 2022 IR 87"] = [decode_one(b"\x1b$B" + bytes([r, c]) + b"\x1b(B", "iso2022_jp") for r, c in codes]
    double["ISO 2022 IR 159"] = [decode_one(b"\x1b$(D" + bytes([r, c]) + b"\x1b(B", "iso2022_jp_2") for r, c in codes]
    double["ISO 2022 IR 149"] = [decode_one(bytes([r | 0x80, c | 0x80]), "euc_kr") for r, c in codes]
    double["ISO 2022 IR 58"] = [decode_one(bytes([r | 0x80, c | 0x80]), "gb2312") for r, c in codes]

    wide = {}
    pairs = [(lead, trail) for lead in range(0x81, 0xFF) for trail in list(range(0x40, 0x7F)) + list(range(0x80, 0xFF))]
    wide["codes"] = [f"{lead:02X}{trail:02X}" for lead, trail in pairs]
    wide["GB18030"] = [decode_one(bytes([lead, trail]), "gb18030") for lead, trail in pairs]
    wide["GBK"] = [decode_one(bytes([lead, trail]), "gbk") for lead, trail in pairs]
    return {"single": single, "double": double, "wide": wide}


def decode(requests):
    from pydicom.charset import convert_encodings
    from pydicom.values import convert_PN, convert_single_string, convert_text

    results = []
    for request in requests:
        data = bytes.fromhex(request["hex"])
        encodings = convert_encodings(request["terms"])
        vr = request["vr"]
        if vr == "PN":
            value = convert_PN(data, encodings)
            values = value if isinstance(value, list) or type(value).__name__ == "MultiValue" else [value]
            results.append([list(v.components) for v in values])
        elif vr in ("SH", "LO", "UC"):
            value = convert_text(data, encodings, vr)
            results.append(list(value) if not isinstance(value, str) else [value])
        else:
            results.append([convert_single_string(data, encodings, vr)])
    return results


def temporal(requests):
    from pydicom.valuerep import DA, DT, TM

    results = []
    for request in requests:
        try:
            value = {"DA": DA, "TM": TM, "DT": DT}[request["vr"]](request["text"])
            results.append(None if value is None else value.isoformat())
        except ValueError:
            results.append(None)
    return results


def names(files):
    import pydicom

    result = {}
    for name in files:
        dataset = pydicom.dcmread(name, stop_before_pixels=True, force=True)
        found = []

        def walk(ds, path):
            for element in ds:
                key = path + [f"{element.tag.group:04X}{element.tag.element:04X}"]
                if element.VR == "SQ":
                    for index, item in enumerate(element.value):
                        walk(item, key + [str(index)])
                elif element.VR == "PN" and element.value is not None:
                    values = element.value if type(element.value).__name__ == "MultiValue" else [element.value]
                    for value in values:
                        found.append({
                            "path": "/".join(key),
                            "groups": [value.components[0] if value.components else "", value.ideographic, value.phonetic],
                            "components": [value.family_name, value.given_name, value.middle_name, value.name_prefix, value.name_suffix],
                        })

        walk(dataset, [])
        result[name] = found
    return result


def decode_one(data, codec):
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "text":
        output = text(sys.argv[2:])
    elif command == "temporal":
        with open(sys.argv[2], encoding="utf-8") as requests:
            output = temporal(json.load(requests))
    elif command == "names":
        output = names(sys.argv[2:])
    elif command == "decode":
        with open(sys.argv[2], encoding="utf-8") as requests:
            output = decode(json.load(requests))
    else:
        output = tables()
    sys.stdout.write(json.dumps(output, ensure_ascii=True))
