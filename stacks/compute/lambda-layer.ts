import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import type { LakeContext } from '../lake-context';
import { NAME_LIMITS, resourceName } from '../names';
import type { LambdaPackage } from './lambda-code';

/**
 * A Lambda layer every function of one kind in an environment shares (one per stack): the code that is
 * the same for every dataset, so adding a contract uploads only its own small function package.
 */
export class LambdaLayer extends Construct {
  readonly layer: LambdaLayerVersion;

  constructor(scope: Construct, id: string, ctx: LakeContext, props: { readonly pkg: LambdaPackage; readonly name: string; readonly description: string }) {
    super(scope, id);
    const asset = new TerraformAsset(this, 'code', { path: props.pkg.file, type: AssetType.FILE, assetHash: props.pkg.hash });
    this.layer = new LambdaLayerVersion(this, 'layer', {
      layerName: resourceName(ctx.env, [props.name], NAME_LIMITS.lambdaFunction),
      description: props.description,
      filename: asset.path,
      sourceCodeHash: props.pkg.base64Sha256,
      compatibleRuntimes: [ctx.env.etlLambda.runtime],
      compatibleArchitectures: [ctx.env.etlLambda.architecture],
    });
  }
}
