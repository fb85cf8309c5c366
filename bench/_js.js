const jsy = require('js-yaml');
const yaml = require('yaml');
const { generateTopologies } = require('/work/main/bench/generate');
const texts = generateTopologies(1000);
function t(name, fn){ for(let w=0;w<3;w++) fn(); const s=process.hrtime.bigint(); for(let r=0;r<5;r++) fn(); const ms=Number(process.hrtime.bigint()-s)/1e6/5; console.log(name.padEnd(30), ms.toFixed(1),'ms/1000', (1000/ms*1000).toFixed(0),'files/s'); }
t('js-yaml load', ()=>{ for(const x of texts) jsy.load(x); });
t('js-yaml load+listener', ()=>{ for(const x of texts) { let n=0; jsy.load(x,{listener(ev,st){ if(ev==='open') n+=st.position; }}); } });
t('yaml parse', ()=>{ for(const x of texts) yaml.parse(x); });
