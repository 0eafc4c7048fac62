import { ENVIRONMENTS, environmentProblems, type EnvironmentConfig } from '../../stacks/environments';
import { EnvironmentConfigError, lakeApp } from '../../stacks/lake-app';
import { boundedName, contractSlug, etlName, NAME_LIMITS, resourceName } from '../../stacks/names';
import { loadModel } from '../support/specs';

const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
const broken = (patch: Partial<EnvironmentConfig>): EnvironmentConfig[] => [{ ...dev, ...patch }];

describe('environments (stacks/environments.ts)', () => {
  it('dev and prod are configured without problems', () => {
    expect(ENVIRONMENTS.map((e) => e.name)).toEqual(expect.arrayContaining(['dev', 'prod']));
    expect(environmentProblems(ENVIRONMENTS)).toEqual([]);
  });

  it.each([
    [{ name: 'Dev' }, 'the name must be'],
    [{ account: '1234' }, 'account must be 12 digits'],
    [{ region: 'europe' }, 'is not an AWS region name'],
    [{ namePrefix: 'Acme_Lake' }, 'namePrefix must be'],
    [{ bronzeRetentionDays: 0 }, 'bronzeRetentionDays'],
    [{ bytesScannedCutoff: 1000 }, 'at least 10 MB'],
    [{ logRetentionDays: 30 }, 'logRetentionDays must be one of CloudWatch'],
    [{ logRetentionDays: 366 }, 'logRetentionDays must be one of CloudWatch'],
    [{ athenaResultsRetentionDays: 0 }, 'athenaResultsRetentionDays'],
    [{ kmsDeletionWindowDays: 3 }, 'kmsDeletionWindowDays must be 7–30'],
    [{ financePrincipals: [] }, 'nobody could assume the finance role'],
    [{ financePrincipals: ['someone'] }, 'is not an IAM ARN'],
    [{ alarmSubscribers: ['not-an-address'] }, 'is not an e-mail address'],
    [{ domainAlarmSubscribers: { finance: ['x'] } }, 'is not an e-mail address'],
    [{ etlLambda: { ...dev.etlLambda, runtime: 'python3.12' } }, 'must be a Node.js runtime'],
    [{ etlLambda: { ...dev.etlLambda, timeoutSeconds: 1000 } }, 'timeoutSeconds must be 1–900'],
    [{ etlLambda: { ...dev.etlLambda, memoryMb: 64 } }, 'memoryMb must be 128–10240'],
    [{ etlLambda: { ...dev.etlLambda, reservedConcurrency: 0 } }, 'reservedConcurrency must be ≥ 1'],
    [{ etlLambda: { ...dev.etlLambda, maxRetryAttempts: 3 } }, 'maxRetryAttempts must be 0–2'],
    [{ remoteState: { bucket: 'X', key: 'k', region: 'eu-west-1', locking: { kind: 'lockfile' } } }, 'is not a bucket name'],
    [{ remoteState: { bucket: 'state', key: '/abs', region: 'eu-west-1', locking: { kind: 'lockfile' } } }, 'relative object key'],
    [{ remoteState: { bucket: 'state', key: 'k', region: 'eu-west-1', locking: { kind: 'dynamodb', table: 'a b' } } }, 'not a DynamoDB table name'],
  ] as [Partial<EnvironmentConfig>, string][])('rejects %j: "%s"', (patch, message) => {
    const problems = environmentProblems(broken(patch));
    expect(problems.join('\n')).toContain(message);
  });

  it('rejects two environments in one account and region (the Glue catalog settings exist once there)', () => {
    expect(environmentProblems([dev, { ...dev, name: 'stage' }]).join('\n')).toContain('shares account 111111111111 and region eu-west-1 with `dev`');
    expect(environmentProblems([dev, dev]).join('\n')).toContain('defined twice');
  });

  it('stops the app with every problem listed, before any stack is built', () => {
    expect(() => lakeApp(loadModel(), broken({ account: 'x', region: 'y' }))).toThrow(EnvironmentConfigError);
    try {
      lakeApp(loadModel(), broken({ account: 'x', region: 'y' }));
    } catch (e) {
      expect((e as EnvironmentConfigError).problems).toHaveLength(2);
    }
  });
});

describe('resource names', () => {
  it('are {prefix}-{env}-… and stay within AWS limits, different long names staying different', () => {
    expect(resourceName(dev, ['etl', 'a-b-v1'], 64)).toBe('acme-lake-dev-etl-a-b-v1');
    const long = { domain: 'a_very_long_domain_name_indeed', name: 'an_even_longer_dataset_name_for_testing', schemaV: 'v12' };
    const other = { ...long, name: `${long.name}_2` };
    const a = etlName(dev, long);
    const b = etlName(dev, other);
    expect(a.length).toBeLessThanOrEqual(NAME_LIMITS.lambdaFunction);
    expect(b.length).toBeLessThanOrEqual(NAME_LIMITS.lambdaFunction);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^acme-lake-dev-etl-a_very_long_domain_name_indeed-an_eve-[0-9a-f]{8}$/);
    expect(boundedName('x'.repeat(10), 10)).toBe('x'.repeat(10));
  });

  it('keep a contract’s parts apart (a_b.c is not a.b_c)', () => {
    expect(contractSlug({ domain: 'a_b', name: 'c', schemaV: 'v1' })).not.toBe(contractSlug({ domain: 'a', name: 'b_c', schemaV: 'v1' }));
  });
});
