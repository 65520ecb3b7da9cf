const { Engine } = require('bpmn-engine');
const mk = (cond, lang) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://x">
 <process id="approval" isExecutable="true">
  <startEvent id="start"/>
  <sequenceFlow id="f1" sourceRef="start" targetRef="submit"/>
  <userTask id="submit"/>
  <sequenceFlow id="f2" sourceRef="submit" targetRef="approve"/>
  <userTask id="approve"/>
  <sequenceFlow id="f3" sourceRef="approve" targetRef="gw"/>
  <exclusiveGateway id="gw" default="toEnd"/>
  <sequenceFlow id="big" sourceRef="gw" targetRef="approve2">
   <conditionExpression xsi:type="tFormalExpression"${lang ? ` language="${lang}"` : ''}>${cond}</conditionExpression>
  </sequenceFlow>
  <sequenceFlow id="toEnd" sourceRef="gw" targetRef="end"/>
  <userTask id="approve2"/>
  <sequenceFlow id="f4" sourceRef="approve2" targetRef="end"/>
  <endEvent id="end"/>
 </process>
</definitions>`;
async function run(src, amount, services) {
  const engine = new Engine({ source: src });
  const taken = [];
  const { EventEmitter } = require('events');
  const listener = new EventEmitter();
  listener.on('activity.wait', (api) => taken.push(api.id));
  const ex = await engine.execute({ variables: { amount }, services, listener });
  for (let i = 0; i < 5; i++) {
    const p = ex.getPostponed();
    if (!p.length) break;
    p[0].signal();
  }
  const st = await engine.getState();
  return { state: engine.state, taken, len: JSON.stringify(st).length };
}
(async () => {
  console.log('naive', await run(mk('${environment.variables.amount > 1000}'), 5000));
  console.log('js', await run(mk('next(null, environment.variables.amount > 1000)', 'javascript'), 5000), await run(mk('next(null, environment.variables.amount > 1000)', 'javascript'), 500));
  const services = { overLimit: (a) => a > 1000 };
  console.log('svc', await run(mk('${environment.services.overLimit(environment.variables.amount)}'), 5000, services), await run(mk('${environment.services.overLimit(environment.variables.amount)}'), 500, services));
})();
