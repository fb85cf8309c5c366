const yaml = require('yaml');
const { generateTopologies } = require('/work/main/bench/generate');
const texts = generateTopologies(1000);
for(let w=0;w<3;w++) for(const x of texts) yaml.parseDocument(x);
const s=process.hrtime.bigint(); for(let r=0;r<5;r++) for(const x of texts) yaml.parseDocument(x);
console.log(process.pid, (Number(process.hrtime.bigint()-s)/1e6/5).toFixed(1));
