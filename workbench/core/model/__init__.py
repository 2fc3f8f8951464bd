"""The model file: loading (.tflite / .mltk.zip), its SL_PARAMSv1 metadata, its graph, and LiteRT inference.

The flatbuffer is parsed once per load (:class:`.model_file.LoadedModel`) and the parsed object is passed on.
"""
