export { openDemoNationalRegister, parsePeopleCsv } from './national-register-demo.adapter';
