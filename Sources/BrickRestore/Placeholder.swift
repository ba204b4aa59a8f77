// BrickRestore module: placeholder until its sources land.
