"""pydicom's DICOM JSON model (Dataset.to_json_dict) of each file named on the command line.

Prints one JSON object: file path -> the data set's JSON model, or -> {"error": "..."} when pydicom
cannot read the file. Used by the tests as an independent reference where dcm2json has none.

VRs are kept as they are in the file, as dcmtk keeps them: no replacement of UN by the dictionary VR,
and no VRs from pydicom's private dictionary for private elements of implicit VR data sets.
"""
import json
import sys

import pydicom
import pydicom.config
import pydicom.dataelem

pydicom.config.replace_un_with_known_vr = False


def _no_private_vr(*args, **kwargs):
    raise KeyError("private VR unknown")


pydicom.dataelem.private_dictionary_VR = _no_private_vr

result = {}
for path in sys.argv[1:]:
    try:
        dataset = pydicom.dcmread(path)
        result[path] = dataset.to_json_dict(bulk_data_threshold=1 << 62)
    except Exception as error:  # the test reports it
        result[path] = {"error": type(error).__name__}
json.dump(result, sys.stdout)
