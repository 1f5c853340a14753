"""``python -m kodak_eval fuzz``: structure-aware fuzzing of nvc's decoders.

Streams of every kind (``corpus``) are mutated with valid CRCs (``bitstream.mutation``);
each mutant must decode to pixels of its header's size or raise the container's own
error (``oracle``), in a worker process that is watched for hangs and memory (``runner``);
the counts per mutation kind and outcome, and every failure's reproducer, are written
out (``report``).
"""
