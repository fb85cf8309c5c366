/**
 * The Terraform variables of the vCenter connection, as the vSphere stack declares them and the
 * runbooks name them (TF_VAR_<name>); the password is sensitive.
 */
export const VSPHERE_VARIABLES = { server: 'vsphere_server', user: 'vsphere_user', password: 'vsphere_password' } as const;
