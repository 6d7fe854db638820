// Natural Earth's country borders (world-atlas, 1:50m, public domain) as GeoJSON on stdout,
// for scripts/build_map.py. Build-time only: the portal never loads this at run time.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const path = require.resolve("world-atlas/countries-50m.json");
const topology = JSON.parse(readFileSync(path, "utf8"));
process.stdout.write(JSON.stringify(feature(topology, topology.objects.countries)));
