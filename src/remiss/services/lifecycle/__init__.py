"""The round's life after `round create`: what a coordinator changes, decides and looks up.

Plain functions over a Workspace, one job per module, each change recorded in the audit
log under the actor who made it; the CLI (`remiss round …`, `resend`, `withdraw`,
`attribute`, `log`) and the web desk are thin layers over them. Results are dataclasses.
"""
