const j5=require('js-yaml5');
const { validateValue, validateText } = require('/work/main/dist/topology/validate.js');
const { NO_SOURCE } = require('/work/main/dist/topology/source.js');
const { generateTopologies } = require('/work/main/bench/generate');
const texts = generateTopologies(1000);
function t(name, fn){ for(let w=0;w<3;w++) fn(); const s=process.hrtime.bigint(); for(let r=0;r<5;r++) fn(); const ms=Number(process.hrtime.bigint()-s)/1e6/5; console.log(name.padEnd(30), ms.toFixed(1),'ms/1000'); }
let nf=0;
t('slow validateText', ()=>{ for(const x of texts) validateText(x); });
t('fast j5+validateValue', ()=>{ nf=0; for(const x of texts){ const r=validateValue(j5.load(x,{schema:j5.CORE_SCHEMA}), NO_SOURCE); if(r.findings.length) nf++; } });
console.log('files with findings', nf);
t('validateValue only', ()=>{ const vals=texts.map(x=>j5.load(x)); for(const v of vals) validateValue(v, NO_SOURCE); });
