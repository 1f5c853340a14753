"""``python -m kodak_eval video``: nvc's video codec and classic anchors on y4m clips.

Every codec runs low delay (P-frames only, no B-frames, no reordering) with the same
intra period. Modules: ``yuv`` (BT.601 limited-range 4:2:0 <-> RGB), ``clips`` (y4m
reading), ``quality`` (per-frame PSNRs), ``base``/``anchors``/``nvc_codecs``/``registry``
(the codecs), ``results`` (records and files), ``runner`` (jobs, cache, workers),
``report`` and ``plots`` (outputs), ``evaluate`` (the whole command).
"""
