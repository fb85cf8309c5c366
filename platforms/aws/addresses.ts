/**
 * AWS reserves the first four addresses of every subnet (network, VPC router, Amazon DNS, reserved
 * for future use) and the last one (AWS VPC User Guide, "Subnet CIDR blocks"). No IGEL source.
 */
export const AWS_RESERVED_LEADING_ADDRESSES = 4;
