// Decides SCP cases with @cloud-copilot/iam-simulate, for tests/differential_test.rs.
//
// stdin: a JSON array of cases, each
//   {"scps": [[policy, ...], ...],   // one list of SCP documents per level, root first
//    "rcps": [[policy, ...], ...],   // optional: RCP documents per level, root first
//    "request": {"action": "...", "resource": "...", "context": {key: "v" | ["v", ...]}}}
// stdout: a JSON array, one entry per case: "Allowed", "ExplicitlyDenied", "ImplicitlyDenied",
// or {"invalid": [...]} when the simulator's own validator rejects one of the SCPs or RCPs.
//
// The principal has an `Allow * on *` identity policy and acts in its own account, with no
// resource policy, on a resource of the same account, so the overall result is the SCPs' and
// the RCPs' result alone.
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate'
import {
  validateResourceControlPolicy,
  validateServiceControlPolicy
} from '@cloud-copilot/iam-policy'

const ACCOUNT = '111111111111'
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }
// AWS's RCPFullAWSAccess (`Allow` `*` on `*` for `*`): the one RCP that may allow, so it is not
// put to the validator, which (rightly) refuses Allow and `"Action": "*"` in a customer RCP.
function isRcpFullAwsAccess(p) {
  const sts = Array.isArray(p.Statement) ? p.Statement : [p.Statement]
  return sts.every(
    (s) =>
      s.Effect === 'Allow' &&
      s.Principal === '*' &&
      s.Action === '*' &&
      s.Resource === '*' &&
      Object.keys(s).length === 4
  )
}

function decide(c) {
  const rcps = c.rcps || []
  const invalid = c.scps
    .flat()
    .flatMap((p) => validateServiceControlPolicy(p))
    .concat(
      rcps
        .flat()
        .filter((p) => !isRcpFullAwsAccess(p))
        .flatMap((p) => validateResourceControlPolicy(p))
    )
  if (invalid.length > 0) {
    return { invalid }
  }
  // runUnsafeSimulation: the request is evaluated exactly as given (no context keys dropped or
  // retyped from the simulator's service reference data), as govc evaluates it.
  return runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/differential`,
        action: c.request.action,
        resource: { resource: c.request.resource, accountId: ACCOUNT },
        contextVariables: c.request.context
      },
      identityPolicies: [{ name: 'identity', policy: ALLOW_ALL }],
      serviceControlPolicies: c.scps.map((policies, i) => ({
        orgIdentifier: `level-${i}`,
        policies: policies.map((policy, j) => ({ name: `scp-${i}-${j}`, policy }))
      })),
      resourceControlPolicies: rcps.map((policies, i) => ({
        orgIdentifier: `level-${i}`,
        policies: policies.map((policy, j) => ({ name: `rcp-${i}-${j}`, policy }))
      }))
    },
    {}
  )
}

let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => (input += chunk))
process.stdin.on('end', () => {
  const cases = JSON.parse(input)
  process.stdout.write(JSON.stringify(cases.map(decide)))
})
