// CDK app entry: one DeletionService-<stage> stack from the validated configuration (config/<stage>.json, then
// -c key=value context; see docs/configuration.md), checked with cdk-nag's AWS Solutions rules on every synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeploymentConfigError, loadDeploymentConfig } from '../lib/config.js';
import { DeletionServiceStack } from '../lib/deletion-service-stack.js';

const app = new App();
try {
  const config = loadDeploymentConfig(
    (key) => app.node.tryGetContext(key),
    undefined,
    Object.keys(app.node.getAllContext()),
  );
  // Refuses a stage whose dataStores do not name every store of the data map (lib/data-stores.ts).
  new DeletionServiceStack(app, `DeletionService-${config.stage}`, config);
} catch (error) {
  if (error instanceof DeploymentConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
