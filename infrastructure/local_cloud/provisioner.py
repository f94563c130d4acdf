"""Create the expanded template's resources in moto with boto3, in dependency order.

moto's CloudFormation ``create_stack`` proved fragile on this template (DESIGN.md §6), so each resource type has
a small creator here. IAM roles, Lambda permissions and API deployments have no local meaning (moto does not
enforce IAM) and are skipped; Lambda functions become ``FunctionSpec``s the local runtime executes.
WebSocket APIs (ApiGatewayV2, which moto cannot serve) become a ``WebSocketApi`` description that
``websocket.WebSocketServer`` serves.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from infrastructure.local_cloud.intrinsics import Resolver, Unresolved
from infrastructure.local_cloud.runtime import FunctionSpec
from infrastructure.local_cloud.template import Expanded

log = logging.getLogger("stride.local_cloud")
ACCOUNT_ID = "123456789012"

# Creation order: a type is only created after every type it can reference.
ORDER = [
    "AWS::DynamoDB::Table",
    "AWS::SQS::Queue",
    "AWS::SNS::Topic",
    "AWS::KMS::Key",
    "AWS::S3::Bucket",
    "AWS::Events::EventBus",
    "AWS::Events::Archive",
    "AWS::Kinesis::Stream",
    "AWS::SecretsManager::Secret",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolGroup",
    "AWS::Cognito::UserPoolResourceServer",
    "AWS::Cognito::UserPoolClient",
    "AWS::Lambda::LayerVersion",
    # Before the functions: their environment names the API's management endpoint (!Sub https://${Api}...).
    "AWS::ApiGatewayV2::Api",
    "AWS::Lambda::Function",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Events::Rule",
    "AWS::Lambda::EventSourceMapping",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::RouteResponse",
    "AWS::ApiGatewayV2::Stage",
]
IGNORED = {
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::Lambda::Permission",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGatewayV2::Deployment",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::Lambda::Version",
    "AWS::Lambda::Alias",
}
_FUNCTION_ARN_SUB = re.compile(r"\$\{(\w+)\.Arn\}")
_INVOCATION_URI = re.compile(r"/functions/(arn:[^/]+)/invocations$")
_ID_ALPHABET = string.ascii_lowercase + string.digits


@dataclass
class Route:
    method: str  # upper case, or ANY
    path: str  # template path, e.g. /api/v3/athletes/{id}
    function: str  # logical id
    authorizer: str | None
    scopes: list[str]


@dataclass
class Delivery:
    """An asynchronous trigger the local cloud delivers through an SQS queue moto fills."""

    kind: str  # "s3" or "eventbridge"
    queue_url: str
    function: str  # logical id
    source: str  # bucket or rule name, for logs


@dataclass
class StreamMapping:
    function: str
    stream_name: str
    batch_size: int
    starting_position: str
    max_retries: int
    bisect: bool
    report_item_failures: bool
    on_failure_arn: str | None
    parallelization: int = 1  # ParallelizationFactor: concurrent batches per shard, in order per partition key


@dataclass
class QueueMapping:
    """An SQS event source mapping: the local cloud polls the queue and invokes the function with batches."""

    function: str
    queue_url: str
    queue_arn: str
    batch_size: int
    report_item_failures: bool


@dataclass
class WebSocketRoute:
    key: str  # $connect, $disconnect, $default or a value of the route selection expression
    function: str  # logical id of the integration's function
    authorizer: str | None = None  # logical id of a REQUEST authorizer ($connect only)
    two_way: bool = False  # has a route response: the function's body goes back to the client


@dataclass
class WebSocketAuthorizer:
    function: str
    identity_sources: list[str]  # e.g. route.request.querystring.token, route.request.header.Auth


@dataclass
class WebSocketApi:
    """An ``AWS::ApiGatewayV2::Api`` with ProtocolType WEBSOCKET, as the local WebSocket server needs it."""

    logical_id: str
    api_id: str
    name: str
    route_selection_expression: str
    region: str = "us-east-1"
    routes: dict[str, WebSocketRoute] = field(default_factory=dict)
    authorizers: dict[str, WebSocketAuthorizer] = field(default_factory=dict)  # authorizer id -> authorizer
    stage: str | None = None
    throttle: tuple[float, float] | None = None  # rate, burst (recorded, not enforced)
    integrations: dict[str, str] = field(default_factory=dict)  # integration id -> function logical id
    route_ids: dict[str, str] = field(default_factory=dict)  # route id -> route key


@dataclass
class Provisioned:
    physical: dict[str, str] = field(default_factory=dict)  # logical id -> Ref value
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    stream_mappings: list[StreamMapping] = field(default_factory=list)
    queue_mappings: list[QueueMapping] = field(default_factory=list)
    gateway_responses: dict[str, Any] = field(default_factory=dict)
    binary_media_types: list[str] = field(default_factory=list)
    throttle: tuple[float, float] | None = None  # rate, burst
    authorizers: dict[str, str] = field(default_factory=dict)  # name -> user pool id
    outputs: dict[str, Any] = field(default_factory=dict)
    websocket_apis: dict[str, WebSocketApi] = field(default_factory=dict)  # logical id -> API

    @property
    def websocket_api(self) -> WebSocketApi | None:
        """The first WebSocket API (a template has one; test fragments may add more)."""
        return next(iter(self.websocket_apis.values()), None)


class Provisioner:
    def __init__(
        self,
        expanded: Expanded,
        endpoint_url: str,
        region: str,
        stage: str,
        base_environment: dict[str, str],
        websocket_management_url: str | None = None,
    ) -> None:
        self.expanded = expanded
        # Where functions reach PostToConnection locally (http://127.0.0.1:<port>); see _local_environment.
        self.websocket_management_url = websocket_management_url
        self.endpoint_url = endpoint_url
        self.region = region
        self.stage = stage
        self.base_environment = base_environment
        self.state = Provisioned()
        self._layer_dirs: dict[str, Path] = {}
        self.resolver = Resolver(
            expanded.parameters,
            {
                "AWS::Region": region,
                "AWS::AccountId": ACCOUNT_ID,
                "AWS::Partition": "aws",
                "AWS::StackName": f"stride-{stage}",
                "AWS::URLSuffix": "amazonaws.com",
                "AWS::NoValue": "",
            },
            self._ref,
            self._get_att,
        )

    # ---------------------------------------------------------------- references
    def _ref(self, logical_id: str) -> str:
        if logical_id not in self.state.physical:
            raise Unresolved(logical_id)
        return self.state.physical[logical_id]

    def _get_att(self, logical_id: str, attribute: str) -> str:
        key = (logical_id, attribute)
        if key not in self.state.attributes:
            raise Unresolved(f"{logical_id}.{attribute}")
        return self.state.attributes[key]

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint_url, region_name=self.region)  # type: ignore[call-overload]

    def _name(self, logical_id: str) -> str:
        return f"stride-{self.stage}-{logical_id}".lower()

    def _arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{ACCOUNT_ID}:{resource}"

    # ---------------------------------------------------------------- driver
    def provision(self) -> Provisioned:
        resources = self.expanded.resources
        unknown = {r["Type"] for r in resources.values()} - set(ORDER) - IGNORED
        if unknown:
            raise NotImplementedError(f"the local cloud cannot create: {sorted(unknown)}")
        for logical_id, resource in resources.items():
            if resource["Type"] in IGNORED:  # referenced (a role's Arn) but not created
                self.state.physical[logical_id] = self._name(logical_id)
                self.state.attributes[(logical_id, "Arn")] = self._arn("iam", f"role/{self._name(logical_id)}")
        for resource_type in ORDER:
            # Resources of one type may reference each other (a queue's RedrivePolicy names its dead-letter queue)
            # and the SAM transform does not keep the template's order: one that cannot resolve yet waits a pass.
            pending = [(i, r) for i, r in resources.items() if r["Type"] == resource_type]
            while pending:
                waiting = []
                for logical_id, resource in pending:
                    raw = dict(resource.get("Properties") or {})
                    raw.pop("NotificationConfiguration", None)  # wired once the functions exist
                    try:
                        props = self.resolver.resolve(raw)
                    except Unresolved:
                        waiting.append((logical_id, resource))
                        continue
                    getattr(self, "_create_" + resource_type.split("::", 1)[1].replace("::", "_"))(logical_id, props)
                if len(waiting) == len(pending):
                    props = self.resolver.resolve(dict(waiting[0][1].get("Properties") or {}))  # raises Unresolved
                pending = waiting
        for logical_id, resource in resources.items():
            if resource["Type"] == "AWS::S3::Bucket":
                self._wire_bucket_notifications(logical_id, resource.get("Properties") or {})
        self.state.outputs = {
            name: self._safe_resolve(spec.get("Value")) for name, spec in self.expanded.outputs.items()
        }
        return self.state

    def _safe_resolve(self, value: Any) -> Any:
        try:
            return self.resolver.resolve(value)
        except Unresolved:
            return None

    # ---------------------------------------------------------------- data
    def _create_DynamoDB_Table(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        name = props.get("TableName") or self._name(logical_id)
        ddb = self.client("dynamodb")
        args: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if props.get("StreamSpecification"):
            args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        table = ddb.create_table(**args)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        self.state.physical[logical_id] = name
        self.state.attributes[(logical_id, "Arn")] = table["TableArn"]
        if table.get("LatestStreamArn"):
            self.state.attributes[(logical_id, "StreamArn")] = table["LatestStreamArn"]

    def _create_SQS_Queue(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        name = props.get("QueueName") or self._name(logical_id)
        attributes = {
            key: json.dumps(value) if isinstance(value, dict) else str(value)
            for key, value in props.items()
            if key
            in {
                "MessageRetentionPeriod",
                "VisibilityTimeout",
                "DelaySeconds",
                "RedrivePolicy",
                "ReceiveMessageWaitTimeSeconds",
                "FifoQueue",
                "ContentBasedDeduplication",
            }
        }
        url = self.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        self.state.physical[logical_id] = url
        self.state.attributes[(logical_id, "Arn")] = self._arn("sqs", name)
        self.state.attributes[(logical_id, "QueueName")] = name
        self.state.attributes[(logical_id, "QueueUrl")] = url

    def _create_SNS_Topic(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        arn = self.client("sns").create_topic(Name=props.get("TopicName") or self._name(logical_id))["TopicArn"]
        self.state.physical[logical_id] = arn
        self.state.attributes[(logical_id, "TopicArn")] = arn
        self.state.attributes[(logical_id, "TopicName")] = arn.rsplit(":", 1)[1]

    def _create_KMS_Key(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        key = self.client("kms").create_key(Description=props.get("Description", logical_id))["KeyMetadata"]
        self.state.physical[logical_id] = key["KeyId"]
        self.state.attributes[(logical_id, "Arn")] = key["Arn"]

    def _create_SecretsManager_Secret(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        # moto stores a secret as given: CloudFormation's GenerateSecretString is done here, with the same rules.
        value = props.get("SecretString")
        if value is None:
            spec = props.get("GenerateSecretString") or {}
            alphabet = string.ascii_letters + string.digits
            if not spec.get("ExcludePunctuation"):
                alphabet += "!#$%&()*+,-.:;<=>?@[]^_{|}~"
            alphabet = "".join(c for c in alphabet if c not in spec.get("ExcludeCharacters", ""))
            value = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
            if spec.get("SecretStringTemplate") and spec.get("GenerateStringKey"):
                value = json.dumps({**json.loads(spec["SecretStringTemplate"]), spec["GenerateStringKey"]: value})
        arn = self.client("secretsmanager").create_secret(
            Name=props.get("Name") or self._name(logical_id), SecretString=value
        )["ARN"]
        self.state.physical[logical_id] = arn  # Ref of a secret is its ARN
        self.state.attributes[(logical_id, "Id")] = arn

    def _create_S3_Bucket(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        name = props.get("BucketName") or self._name(logical_id)
        s3 = self.client("s3")
        if self.region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region})
        if "BucketEncryption" in props:
            rules = [
                {"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]}
                for r in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if "PublicAccessBlockConfiguration" in props:
            s3.put_public_access_block(
                Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
            )
        if props.get("VersioningConfiguration"):
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
        if props.get("CorsConfiguration"):
            s3.put_bucket_cors(
                Bucket=name,
                CORSConfiguration={
                    "CORSRules": [
                        {("MaxAgeSeconds" if k == "MaxAge" else k): v for k, v in rule.items()}
                        for rule in props["CorsConfiguration"]["CorsRules"]
                    ]
                },
            )
        if props.get("LifecycleConfiguration"):
            s3.put_bucket_lifecycle_configuration(
                Bucket=name,
                LifecycleConfiguration={
                    "Rules": [_lifecycle_rule(r) for r in props["LifecycleConfiguration"]["Rules"]]
                },
            )
        self.state.physical[logical_id] = name
        self.state.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{name}"
        self.state.attributes[(logical_id, "DomainName")] = f"{name}.s3.amazonaws.com"

    def _wire_bucket_notifications(self, logical_id: str, raw_props: dict[str, Any]) -> None:
        """S3 -> Lambda becomes S3 -> SQS (which moto does) -> local invoke, one queue per (bucket, function)."""
        lambda_configs = (raw_props.get("NotificationConfiguration") or {}).get("LambdaConfigurations") or []
        if not lambda_configs:
            return
        bucket = self.state.physical[logical_id]
        queue_configs = []
        for index, config in enumerate(lambda_configs):
            function_id = _function_from_arn_ref(config["Function"], self.expanded.resources)
            if function_id is None:
                raise NotImplementedError("S3 notifications to a function outside the template")
            queue_name = f"stride-{self.stage}-s3-{logical_id}-{function_id}-{index}".lower()[:80]
            url = self.client("sqs").create_queue(QueueName=queue_name)["QueueUrl"]
            entry: dict[str, Any] = {"QueueArn": self._arn("sqs", queue_name), "Events": [config["Event"]]}
            if config.get("Filter"):
                entry["Filter"] = {"Key": {"FilterRules": config["Filter"]["S3Key"]["Rules"]}}
            queue_configs.append(entry)
            self.state.deliveries.append(Delivery("s3", url, function_id, bucket))
        self.client("s3").put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"QueueConfigurations": queue_configs}
        )

    # ---------------------------------------------------------------- events and streams
    def _create_Events_EventBus(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        arn = self.client("events").create_event_bus(Name=props["Name"])["EventBusArn"]
        self.state.physical[logical_id] = props["Name"]
        self.state.attributes[(logical_id, "Arn")] = arn
        self.state.attributes[(logical_id, "Name")] = props["Name"]

    def _create_Events_Archive(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        name = props.get("ArchiveName") or self._name(logical_id)[:48]
        args: dict[str, Any] = {
            "ArchiveName": name,
            "EventSourceArn": props["SourceArn"],
            "RetentionDays": int(props.get("RetentionDays", 0)),
        }
        if props.get("EventPattern"):
            args["EventPattern"] = json.dumps(props["EventPattern"])
        arn = self.client("events").create_archive(**args)["ArchiveArn"]
        self.state.physical[logical_id] = name
        self.state.attributes[(logical_id, "Arn")] = arn

    def _create_Events_Rule(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        events = self.client("events")
        name = props.get("Name") or self._name(logical_id)[:64]
        bus = props.get("EventBusName", "default")
        if isinstance(bus, str) and bus.startswith("arn:"):
            bus = bus.rsplit("/", 1)[1]
        events.put_rule(
            Name=name,
            EventBusName=bus,
            EventPattern=json.dumps(props["EventPattern"]),
            State=props.get("State", "ENABLED"),
        )
        raw_targets = (self.expanded.resources[logical_id].get("Properties") or {}).get("Targets", [])
        targets = []
        for raw, target in zip(raw_targets, props.get("Targets", []), strict=True):
            function_id = _function_from_arn_ref(raw["Arn"], self.expanded.resources)
            if function_id is None:
                targets.append({"Id": target["Id"], "Arn": target["Arn"]})
                continue
            queue_name = f"stride-{self.stage}-rule-{logical_id}-{target['Id']}".lower()[:80]
            url = self.client("sqs").create_queue(QueueName=queue_name)["QueueUrl"]
            targets.append({"Id": target["Id"], "Arn": self._arn("sqs", queue_name)})
            self.state.deliveries.append(Delivery("eventbridge", url, function_id, name))
        if targets:
            events.put_targets(Rule=name, EventBusName=bus, Targets=targets)
        self.state.physical[logical_id] = name
        self.state.attributes[(logical_id, "Arn")] = self._arn("events", f"rule/{bus}/{name}")

    def _create_Kinesis_Stream(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        name = props.get("Name") or self._name(logical_id)
        kinesis = self.client("kinesis")
        mode = (props.get("StreamModeDetails") or {}).get("StreamMode", "PROVISIONED")
        if mode == "ON_DEMAND":
            kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
        else:
            kinesis.create_stream(StreamName=name, ShardCount=int(props.get("ShardCount", 1)))
        self.state.physical[logical_id] = name
        self.state.attributes[(logical_id, "Arn")] = self._arn("kinesis", f"stream/{name}")

    # ---------------------------------------------------------------- identity
    def _create_Cognito_UserPool(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        args: dict[str, Any] = {
            key: props[key]
            for key in (
                "Policies",
                "AutoVerifiedAttributes",
                "UsernameConfiguration",
                "AccountRecoverySetting",
                "AdminCreateUserConfig",
                "MfaConfiguration",
                "UsernameAttributes",
                "AliasAttributes",
            )
            if key in props
        }
        if "Schema" in props:
            args["Schema"] = [_cognito_schema(attribute) for attribute in props["Schema"]]
        pool = self.client("cognito-idp").create_user_pool(PoolName=props.get("UserPoolName", logical_id), **args)[
            "UserPool"
        ]
        self.state.physical[logical_id] = pool["Id"]
        self.state.attributes[(logical_id, "Arn")] = pool["Arn"]
        self.state.attributes[(logical_id, "ProviderName")] = f"cognito-idp.{self.region}.amazonaws.com/{pool['Id']}"
        self.state.attributes[(logical_id, "ProviderURL")] = (
            f"https://cognito-idp.{self.region}.amazonaws.com/{pool['Id']}"
        )

    def _create_Cognito_UserPoolGroup(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        args = {key: props[key] for key in ("Description", "Precedence") if key in props}
        self.client("cognito-idp").create_group(UserPoolId=props["UserPoolId"], GroupName=props["GroupName"], **args)
        self.state.physical[logical_id] = props["GroupName"]

    def _create_Cognito_UserPoolResourceServer(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        self.client("cognito-idp").create_resource_server(
            UserPoolId=props["UserPoolId"],
            Identifier=props["Identifier"],
            Name=props["Name"],
            Scopes=props.get("Scopes", []),
        )
        self.state.physical[logical_id] = props["Identifier"]

    def _create_Cognito_UserPoolClient(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        args = {
            key: props[key]
            for key in (
                "GenerateSecret",
                "ExplicitAuthFlows",
                "PreventUserExistenceErrors",
                "EnableTokenRevocation",
                "AccessTokenValidity",
                "IdTokenValidity",
                "RefreshTokenValidity",
                "TokenValidityUnits",
                "AllowedOAuthFlows",
                "AllowedOAuthScopes",
                "CallbackURLs",
                "SupportedIdentityProviders",
            )
            if key in props
        }
        client = self.client("cognito-idp").create_user_pool_client(
            UserPoolId=props["UserPoolId"], ClientName=props.get("ClientName", logical_id), **args
        )["UserPoolClient"]
        self.state.physical[logical_id] = client["ClientId"]

    # ---------------------------------------------------------------- functions
    def _create_Lambda_LayerVersion(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        folder = self.expanded.code_dirs[logical_id]
        # A Python layer's code sits in python/ (Lambda mounts it at /opt/python).
        self._layer_dirs[logical_id] = folder / "python" if (folder / "python").is_dir() else folder
        arn = self._arn("lambda", f"layer:{props.get('LayerName', logical_id)}:1")
        self.state.physical[logical_id] = arn

    def _create_Lambda_Function(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        name = props.get("FunctionName") or f"stride-{self.stage}-{logical_id}"
        arn = self._arn("lambda", f"function:{name}")
        layer_refs = (self.expanded.resources[logical_id].get("Properties") or {}).get("Layers", [])
        layer_dirs = [self._layer_dirs[ref["Ref"]] for ref in layer_refs if isinstance(ref, dict) and "Ref" in ref]
        environment = {
            **self.base_environment,
            **{
                k: self._local_environment(str(v))
                for k, v in ((props.get("Environment") or {}).get("Variables") or {}).items()
            },
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(props.get("MemorySize", 128)),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
            "_HANDLER": props["Handler"],
            "LAMBDA_TASK_ROOT": str(self.expanded.code_dirs[logical_id]),
        }
        self.state.functions[logical_id] = FunctionSpec(
            logical_id=logical_id,
            function_name=name,
            function_arn=arn,
            handler=props["Handler"],
            code_dir=self.expanded.code_dirs[logical_id],
            layer_dirs=layer_dirs,
            environment=environment,
            memory_mb=int(props.get("MemorySize", 128)),
            timeout_s=float(props.get("Timeout", 3)),
            dead_letter_arn=(props.get("DeadLetterConfig") or {}).get("TargetArn"),
            reserved_concurrency=props.get("ReservedConcurrentExecutions"),
        )
        self.state.physical[logical_id] = name
        self.state.attributes[(logical_id, "Arn")] = arn

    def _create_Lambda_EventInvokeConfig(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        spec = next(s for s in self.state.functions.values() if s.function_name == props["FunctionName"])
        spec.async_retries = int(props.get("MaximumRetryAttempts", 2))
        spec.max_event_age_s = int(props.get("MaximumEventAgeInSeconds", 21_600))
        on_failure = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        if on_failure and not spec.dead_letter_arn:
            spec.dead_letter_arn = on_failure

    def _create_Lambda_EventSourceMapping(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        raw = self.expanded.resources[logical_id]["Properties"]
        function_id = raw["FunctionName"]["Ref"] if isinstance(raw["FunctionName"], dict) else raw["FunctionName"]
        source = props["EventSourceArn"]
        report_item_failures = "ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or [])
        if ":sqs:" in source:
            queue_url = self.client("sqs").get_queue_url(QueueName=source.rsplit(":", 1)[1])["QueueUrl"]
            self.state.queue_mappings.append(
                QueueMapping(
                    function=function_id,
                    queue_url=queue_url,
                    queue_arn=source,
                    batch_size=int(props.get("BatchSize", 10)),
                    report_item_failures=report_item_failures,
                )
            )
            return
        if ":kinesis:" not in source:
            raise NotImplementedError(f"event source mapping from {source}")
        self.state.stream_mappings.append(
            StreamMapping(
                function=function_id,
                stream_name=source.rsplit("/", 1)[1],
                batch_size=int(props.get("BatchSize", 100)),
                starting_position=props.get("StartingPosition", "LATEST"),
                max_retries=int(props.get("MaximumRetryAttempts", -1)),
                bisect=bool(props.get("BisectBatchOnFunctionError", False)),
                report_item_failures=report_item_failures,
                on_failure_arn=((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination"),
                parallelization=int(props.get("ParallelizationFactor", 1)),
            )
        )

    def _local_environment(self, value: str) -> str:
        """A WebSocket API's AWS management endpoint becomes the local one, so a function's
        ``apigatewaymanagementapi`` client reaches the local WebSocket server unchanged."""
        if self.websocket_management_url is None:
            return value
        for api in self.state.websocket_apis.values():
            aws_form = re.compile(
                rf"^https://{api.api_id}\.execute-api\.{re.escape(self.region)}\.amazonaws\.com(/[^/]+)?/?$"
            )
            match = aws_form.match(value)
            if match:
                return f"{self.websocket_management_url}/{api.api_id}{match.group(1) or ''}"
        return value

    # ---------------------------------------------------------------- API
    def _create_ApiGateway_RestApi(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        raw_body = self.expanded.resources[logical_id]["Properties"]["Body"]
        body = props["Body"]
        schemes = body.get("securityDefinitions") or (body.get("components") or {}).get("securitySchemes") or {}
        for name, scheme in schemes.items():
            authorizer = scheme.get("x-amazon-apigateway-authorizer") or {}
            if authorizer.get("type") == "cognito_user_pools":
                pool_arn = authorizer["providerARNs"][0]
                self.state.authorizers[name] = pool_arn.rsplit("/", 1)[1]
        for path, methods in raw_body.get("paths", {}).items():
            for method, operation in methods.items():
                integration = operation.get("x-amazon-apigateway-integration") or {}
                uri = integration.get("uri")
                text = uri.get("Fn::Sub") if isinstance(uri, dict) else uri
                match = _FUNCTION_ARN_SUB.search(text if isinstance(text, str) else "")
                if not match:
                    continue
                security = operation.get("security") or body.get("security") or []
                authorizer_name, scopes = None, []
                for requirement in security:
                    for scheme_name, scheme_scopes in requirement.items():
                        if scheme_name in self.state.authorizers:
                            authorizer_name, scopes = scheme_name, list(scheme_scopes)
                verb = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
                self.state.routes.append(Route(verb, path, match.group(1), authorizer_name, scopes))
        self.state.gateway_responses = body.get("x-amazon-apigateway-gateway-responses", {})
        self.state.binary_media_types = [
            t.replace("~1", "/") for t in body.get("x-amazon-apigateway-binary-media-types", [])
        ]
        self.state.physical[logical_id] = "local"
        self.state.attributes[(logical_id, "RootResourceId")] = "root"

    def _create_ApiGateway_Stage(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        for setting in props.get("MethodSettings", []):
            if setting.get("ResourcePath") in ("/*", "*") and "ThrottlingRateLimit" in setting:
                self.state.throttle = (
                    float(setting["ThrottlingRateLimit"]),
                    float(setting.get("ThrottlingBurstLimit", setting["ThrottlingRateLimit"])),
                )
        self.state.physical[logical_id] = props.get("StageName", "v1")

    # ---------------------------------------------------------------- WebSocket API (ApiGatewayV2)
    def _new_id(self, length: int = 10) -> str:
        return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))

    def _websocket_api(self, props: dict[str, Any]) -> WebSocketApi:
        api_id = props["ApiId"]
        api = next((a for a in self.state.websocket_apis.values() if a.api_id == api_id), None)
        if api is None:
            raise NotImplementedError(f"ApiGatewayV2 resource of an API that is not a WebSocket API: {api_id}")
        return api

    def _create_ApiGatewayV2_Api(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        if props.get("ProtocolType") != "WEBSOCKET":
            raise NotImplementedError(f"{logical_id}: only WebSocket APIs (ProtocolType WEBSOCKET) are emulated")
        api = WebSocketApi(
            logical_id=logical_id,
            api_id=self._new_id(),
            name=props.get("Name", logical_id),
            route_selection_expression=props.get("RouteSelectionExpression", "$request.body.action"),
            region=self.region,
        )
        self.state.websocket_apis[logical_id] = api
        self.state.physical[logical_id] = api.api_id
        self.state.attributes[(logical_id, "ApiId")] = api.api_id
        self.state.attributes[(logical_id, "ApiEndpoint")] = (
            f"wss://{api.api_id}.execute-api.{self.region}.amazonaws.com"
        )

    def _integrated_function(self, uri: str) -> str:
        match = _INVOCATION_URI.search(uri)
        function = next(
            (s.logical_id for s in self.state.functions.values() if match and s.function_arn == match.group(1)), None
        )
        if function is None:
            raise NotImplementedError(f"integration with something other than a function of the template: {uri}")
        return function

    def _create_ApiGatewayV2_Authorizer(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        api = self._websocket_api(props)
        if props.get("AuthorizerType") != "REQUEST":
            raise NotImplementedError(f"{logical_id}: a WebSocket API only has REQUEST authorizers")
        authorizer_id = self._new_id(6)
        api.authorizers[authorizer_id] = WebSocketAuthorizer(
            function=self._integrated_function(props["AuthorizerUri"]),
            identity_sources=list(props.get("IdentitySource") or []),
        )
        self.state.physical[logical_id] = authorizer_id
        self.state.attributes[(logical_id, "AuthorizerId")] = authorizer_id

    def _create_ApiGatewayV2_Integration(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        api = self._websocket_api(props)
        if props.get("IntegrationType") != "AWS_PROXY":
            raise NotImplementedError(f"{logical_id}: only AWS_PROXY (Lambda proxy) integrations are emulated")
        integration_id = self._new_id(7)
        api.integrations[integration_id] = self._integrated_function(props["IntegrationUri"])
        self.state.physical[logical_id] = integration_id
        self.state.attributes[(logical_id, "IntegrationId")] = integration_id

    def _create_ApiGatewayV2_Route(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        api = self._websocket_api(props)
        target = str(props.get("Target", ""))
        integration_id = target.removeprefix("integrations/")
        if not target.startswith("integrations/") or integration_id not in api.integrations:
            raise NotImplementedError(f"{logical_id}: Target must be integrations/<an integration of the API>")
        authorizer = props.get("AuthorizerId") if props.get("AuthorizationType") == "CUSTOM" else None
        if authorizer is not None and authorizer not in api.authorizers:
            raise NotImplementedError(f"{logical_id}: unknown authorizer {authorizer}")
        if props.get("AuthorizationType") not in (None, "NONE", "CUSTOM"):
            raise NotImplementedError(f"{logical_id}: AuthorizationType {props['AuthorizationType']}")
        route_id = self._new_id(7)
        api.routes[props["RouteKey"]] = WebSocketRoute(
            key=props["RouteKey"], function=api.integrations[integration_id], authorizer=authorizer
        )
        # Two-way needs both the selection expression on the route and a route response (added below).
        api.route_ids[route_id] = props["RouteKey"] if props.get("RouteResponseSelectionExpression") else ""
        self.state.physical[logical_id] = route_id
        self.state.attributes[(logical_id, "RouteId")] = route_id

    def _create_ApiGatewayV2_RouteResponse(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        api = self._websocket_api(props)
        route_key = api.route_ids.get(props["RouteId"])
        if route_key is None:
            raise NotImplementedError(f"{logical_id}: unknown route {props['RouteId']}")
        if route_key and props.get("RouteResponseKey") == "$default":
            api.routes[route_key].two_way = True
        self.state.physical[logical_id] = self._new_id(6)

    def _create_ApiGatewayV2_Stage(self, logical_id: str, props: dict[str, Any]) -> None:  # noqa: N802
        api = self._websocket_api(props)
        api.stage = props["StageName"]
        settings = props.get("DefaultRouteSettings") or {}
        if "ThrottlingRateLimit" in settings:
            rate = float(settings["ThrottlingRateLimit"])
            api.throttle = (rate, float(settings.get("ThrottlingBurstLimit", rate)))
        self.state.physical[logical_id] = api.stage


def _function_from_arn_ref(value: Any, resources: dict[str, Any]) -> str | None:
    """The logical id in ``!GetAtt Fn.Arn`` (or ``!Ref Fn``) when it names a function of the template.

    Any other target (a queue's ``!GetAtt Q.Arn``) is None: the caller hands it to the service as it is.
    """
    logical_id: str | None = None
    if isinstance(value, dict):
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            logical_id = str(target[0] if isinstance(target, list) else target.split(".")[0])
        elif "Ref" in value:
            logical_id = str(value["Ref"])
    if logical_id is None or resources.get(logical_id, {}).get("Type") != "AWS::Lambda::Function":
        return None
    return logical_id


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's lifecycle rule spelling -> the S3 API's."""
    out: dict[str, Any] = {
        "ID": rule.get("Id", "rule"),
        "Status": rule.get("Status", "Enabled"),
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    if "ExpirationInDays" in rule:
        out["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "Transitions" in rule:
        out["Transitions"] = [
            {"Days": int(t["TransitionInDays"]), "StorageClass": t["StorageClass"]} for t in rule["Transitions"]
        ]
    if "AbortIncompleteMultipartUpload" in rule:
        out["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    if "NoncurrentVersionExpiration" in rule:
        out["NoncurrentVersionExpiration"] = {
            "NoncurrentDays": int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
        }
    return out


def _cognito_schema(attribute: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in attribute.items()
        if key
        in {
            "Name",
            "AttributeDataType",
            "Required",
            "Mutable",
            "DeveloperOnlyAttribute",
            "StringAttributeConstraints",
            "NumberAttributeConstraints",
        }
    }
