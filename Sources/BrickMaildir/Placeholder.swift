// BrickMaildir module: placeholder until its sources land.
