// BrickIMAP module: placeholder until its sources land.
