// BrickCommands module: placeholder until its sources land.
