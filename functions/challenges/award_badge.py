"""EventBridge challenge.completed: draw the challenge's badge (SVG) into the media bucket and write the athlete's
trophy (stride.challenges.badges.award). Idempotent: the badge key is the challenge's and the trophy is a
conditional put. Failures raise: EventBridge's retry policy and then the DLQ take over."""

from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.challenges import badges
from stride.events.contracts import ChallengeCompletedEvent
from stride.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=EventBridgeEvent)
def handler(event: EventBridgeEvent, context: LambdaContext) -> dict:
    if event.detail_type != ChallengeCompletedEvent.detail_type:
        logger.warning("event ignored", detail_type=event.detail_type)
        return {"awarded": False}
    completed = ChallengeCompletedEvent.model_validate(event.detail)
    logger.append_keys(challenge_id=completed.challenge_id)
    awarded = badges.award(completed.challenge_id, completed.athlete_id, completed.completed_at)
    logger.info("badge awarded" if awarded else "badge already awarded")
    return {"awarded": awarded}
