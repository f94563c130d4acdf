"""Notifications and push devices of an athlete (AP40-AP44 in docs/access-patterns.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from stride.accounts.models import Athlete
from stride.errors import ConflictError
from stride.notifications.models import Device, Notification, NotificationType, Platform
from stride.store import keys
from stride.store.athletes import AthleteRepository
from stride.store.errors import translated
from stride.store.models import DeviceItem, NotificationItem


def _to_domain(item: NotificationItem) -> Notification:
    return Notification(
        id=int(item.notification_id),
        recipient_id=int(item.recipient_id),
        type=NotificationType(item.type),
        actor_id=int(item.actor_id),
        created_at=item.created_at,
        activity_id=int(item.activity_id) if item.activity_id is not None else None,
        comment_id=int(item.comment_id) if item.comment_id is not None else None,
        text=item.text,
        session_id=int(item.session_id) if item.session_id is not None else None,
        challenge_id=int(item.challenge_id) if item.challenge_id is not None else None,
        read=bool(item.read),
        pushed=bool(item.pushed),
    )


def _device_to_domain(athlete_id: int, item: DeviceItem) -> Device:
    return Device(
        athlete_id=athlete_id,
        platform=Platform(item.platform),
        token_hash=item.SK.rsplit("#", 1)[1],
        token=item.token,
        created_at=item.created_at,
    )


class NotificationRepository:
    """Each method names its access pattern."""

    def create(self, notification: Notification, ttl: timedelta) -> bool:
        """AP40: PutItem PK=ATH#<r>#NOTIF, SK=<id, 19 digits>, if absent. False: a duplicate delivery wrote it."""
        item = NotificationItem(
            keys.notifications_pk(notification.recipient_id),
            keys.notification_sk(notification.id),
            notification_id=notification.id,
            recipient_id=notification.recipient_id,
            type=str(notification.type),
            actor_id=notification.actor_id,
            activity_id=notification.activity_id,
            comment_id=notification.comment_id,
            text=notification.text,
            session_id=notification.session_id,
            challenge_id=notification.challenge_id,
            read=False,
            pushed=False,
            created_at=notification.created_at,
            ttl=notification.created_at + ttl,
        )
        try:
            with translated("Notification"):
                item.save(condition=NotificationItem.PK.does_not_exist())
        except ConflictError:  # the only condition: the same event already notified this recipient
            return False
        return True

    def get(self, recipient_id: int, notification_id: int) -> Notification | None:
        """AP40: GetItem PK=ATH#<r>#NOTIF, SK=<id> (strongly consistent: a retry reads what it wrote)."""
        with translated("Notification"):
            try:
                item = NotificationItem.get(
                    keys.notifications_pk(recipient_id), keys.notification_sk(notification_id), consistent_read=True
                )
            except NotificationItem.DoesNotExist:
                return None
        return _to_domain(item)

    def mark_pushed(self, recipient_id: int, notification_id: int) -> None:
        """AP40: UpdateItem SET pushed = true (after the push went out)."""
        item = NotificationItem(keys.notifications_pk(recipient_id), keys.notification_sk(notification_id))
        with translated("Notification"):
            item.update(actions=[NotificationItem.pushed.set(True)], condition=NotificationItem.PK.exists())

    def page(
        self, recipient_id: int, limit: int, before_id: int | None = None
    ) -> tuple[list[Notification], int | None]:
        """AP41: Query PK=ATH#<r>#NOTIF [, SK < <before id>], newest first, Limit ``limit`` + 1.

        Returns the page and the id to continue before (None on the last page): the one extra item read says
        whether there is a next page, so a full last page does not lead to an empty one.
        """
        condition = NotificationItem.SK < keys.notification_sk(before_id) if before_id is not None else None
        with translated("Notification"):
            page = [
                _to_domain(item)
                for item in NotificationItem.query(
                    keys.notifications_pk(recipient_id),
                    range_key_condition=condition,
                    scan_index_forward=False,
                    limit=limit + 1,
                    page_size=limit + 1,
                )
            ]
        if len(page) > limit:
            return page[:limit], page[limit - 1].id
        return page, None

    def unread_count(self, recipient_id: int, window: int) -> int:
        """AP41: Query PK=ATH#<r>#NOTIF, newest first, Limit ``window``, only the ``read`` attribute.

        Bounded on purpose: only the ``window`` newest notifications are counted (one Query, at most
        ``window`` small items), so the badge never costs a walk of the whole partition.
        """
        with translated("Notification"):
            return sum(
                1
                for item in NotificationItem.query(
                    keys.notifications_pk(recipient_id),
                    scan_index_forward=False,
                    limit=window,
                    page_size=window,
                    attributes_to_get=["read"],
                )
                if not item.read
            )

    def mark_read(self, recipient_id: int, notification_id: int) -> Notification | None:
        """AP42: UpdateItem PK=ATH#<r>#NOTIF, SK=<id>, SET read = true, if the item exists (None: not found)."""
        item = NotificationItem(keys.notifications_pk(recipient_id), keys.notification_sk(notification_id))
        try:
            with translated("Notification"):
                item.update(actions=[NotificationItem.read.set(True)], condition=NotificationItem.PK.exists())
        except ConflictError:
            return None
        return _to_domain(item)

    def mark_all_read(self, recipient_id: int) -> int:
        """AP42: Query PK=ATH#<r>#NOTIF, filter read = false; BatchWriteItem the items back with read = true.

        The whole partition is walked (notifications expire after 90 days, which bounds it).
        """
        marked = 0
        with translated("Notification"):
            unread = NotificationItem.query(
                keys.notifications_pk(recipient_id),
                filter_condition=NotificationItem.read == False,  # noqa: E712 - a pynamodb condition
            )
            with NotificationItem.batch_write() as batch:
                for item in unread:
                    item.read = True
                    batch.save(item)
                    marked += 1
        return marked

    # ---------------------------------------------------------------- devices
    def put_device(self, device: Device) -> None:
        """AP43: PutItem PK=ATH#<a>, SK=DEVICE#<platform>#<token hash> (registering again refreshes it)."""
        item = DeviceItem(
            keys.athlete_pk(device.athlete_id),
            keys.device_sk(str(device.platform), device.token_hash),
            platform=str(device.platform),
            token=device.token,
            created_at=device.created_at,
        )
        with translated("Device"):
            item.save()

    def delete_device(self, athlete_id: int, platform: Platform, token_hash: str) -> bool:
        """AP43: DeleteItem PK=ATH#<a>, SK=DEVICE#<platform>#<token hash>, if it exists."""
        item = DeviceItem(keys.athlete_pk(athlete_id), keys.device_sk(str(platform), token_hash))
        try:
            with translated("Device"):
                item.delete(condition=DeviceItem.PK.exists())
        except ConflictError:
            return False
        return True

    def devices(self, athlete_id: int) -> list[Device]:
        """AP43: Query PK=ATH#<a>, SK begins_with DEVICE#."""
        with translated("Device"):
            return [
                _device_to_domain(athlete_id, item)
                for item in DeviceItem.query(
                    keys.athlete_pk(athlete_id), range_key_condition=DeviceItem.SK.startswith(keys.DEVICE)
                )
            ]

    # ---------------------------------------------------------------- actors
    def profiles(self, athlete_ids: Iterable[int]) -> dict[int, Athlete]:
        """AP44: BatchGetItem PK=ATH#<id>, SK=PROFILE for each actor of a page (100 keys per call)."""
        return AthleteRepository().get_many(athlete_ids)
