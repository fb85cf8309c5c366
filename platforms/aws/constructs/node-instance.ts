import { Instance } from '@cdktf/provider-aws/lib/instance';
import { Construct } from 'constructs';
import { encodeEc2UserData } from '../../../bootstrap/cloud-init';
import type { ResolvedNode } from '../../../core/model/model';
import { terraformLiteral } from '../../../constructs/terraform-literal';

/** Device name of the data volume in the block device mapping (the host finds it whatever the kernel calls it). */
export const DATA_VOLUME_DEVICE = '/dev/sdf';

/** Props of {@link UmsHaAwsNodeInstance}. */
export interface UmsHaAwsNodeInstanceProps {
  readonly node: ResolvedNode;
  readonly ami: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly securityGroupIds: string[];
  readonly instanceProfileName: string;
  /** The node's #cloud-config (the same bootstrap as on vSphere). */
  readonly userData: string;
  readonly dataVolumeType: string;
  /** KMS key of the volumes. @default - the account's default EBS key */
  readonly kmsKeyArn?: string;
}

/**
 * One HA host as an EC2 instance: the node's fixed private address in its subnet, IMDSv2 required
 * (hop limit 1, so only the host itself reaches the metadata), the instance profile, an encrypted
 * root volume and an encrypted EBS data volume of resources.diskGb (UMS-RES-002) attached at
 * launch, so cloud-init formats and mounts it on /opt/IGEL on the first boot.
 *
 * AMI and user data are ignored after creation, as on vSphere: a new image or bootstrap does not
 * touch running hosts; roll it out host by host with `terraform apply -replace=aws_instance.<node>`.
 */
export class UmsHaAwsNodeInstance extends Construct {
  readonly resource: Instance;

  constructor(scope: Construct, id: string, props: UmsHaAwsNodeInstanceProps) {
    super(scope, id);
    const { node } = props;
    const kms = props.kmsKeyArn !== undefined ? { kmsKeyId: terraformLiteral(props.kmsKeyArn) } : {};
    this.resource = new Instance(this, 'Resource', {
      ami: terraformLiteral(props.ami),
      instanceType: terraformLiteral(props.instanceType),
      subnetId: props.subnetId,
      ...(node.ip !== null ? { privateIp: terraformLiteral(node.ip) } : {}),
      vpcSecurityGroupIds: props.securityGroupIds,
      iamInstanceProfile: props.instanceProfileName,
      associatePublicIpAddress: false,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      rootBlockDevice: { encrypted: true, volumeType: 'gp3', ...kms },
      ebsBlockDevice: [
        {
          deviceName: DATA_VOLUME_DEVICE,
          volumeSize: node.size.diskGb,
          volumeType: terraformLiteral(props.dataVolumeType),
          encrypted: true,
          deleteOnTermination: true,
          ...kms,
        },
      ],
      userDataBase64: encodeEc2UserData(`${node.vmName} user data`, props.userData),
      userDataReplaceOnChange: false,
      tags: { Name: terraformLiteral(node.vmName), 'ums-ha-roles': node.roles.join(',') },
      lifecycle: { ignoreChanges: ['ami', 'user_data_base64'] },
    });
    // A readable address for operators: aws_instance.<node name> (unique per stack, UMS-NET-004).
    this.resource.overrideLogicalId(node.name);
  }
}
