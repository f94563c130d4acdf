"""The small part of the FIT profile the decoder needs: base types, message/field numbers, names.

Numbers are from the public FIT profile (Profile.xlsx of the FIT SDK). Only what ``fit.py`` reads is here:
the decoder ignores every other message, so a new profile version cannot break it.
"""

from __future__ import annotations

from typing import NamedTuple

# FIT epoch 1989-12-31T00:00:00Z in Unix seconds.
FIT_EPOCH = 631065600
# date_time values below this are "system time": seconds since the device powered on, not since the epoch.
SYSTEM_TIME_LIMIT = 0x10000000


class BaseType(NamedTuple):
    """A FIT base type: numpy type code (endianness added per definition), byte size, invalid sentinel."""

    code: str  # numpy kind+size without byte order, e.g. "u4"; "S" marks strings (decoded separately)
    size: int
    invalid: int | None  # raw integer sentinel; None for floats (their sentinel is a NaN bit pattern)


# Indexed by base type number (the low 5 bits of the base type byte). Unknown numbers decode as invalid.
BASE_TYPES: dict[int, BaseType] = {
    0x00: BaseType("u1", 1, 0xFF),  # enum
    0x01: BaseType("i1", 1, 0x7F),  # sint8
    0x02: BaseType("u1", 1, 0xFF),  # uint8
    0x03: BaseType("i2", 2, 0x7FFF),  # sint16
    0x04: BaseType("u2", 2, 0xFFFF),  # uint16
    0x05: BaseType("i4", 4, 0x7FFFFFFF),  # sint32
    0x06: BaseType("u4", 4, 0xFFFFFFFF),  # uint32
    0x07: BaseType("S", 1, None),  # string, NUL-terminated (or not: some writers fill the field)
    0x08: BaseType("f4", 4, None),  # float32
    0x09: BaseType("f8", 8, None),  # float64
    0x0A: BaseType("u1", 1, 0x00),  # uint8z
    0x0B: BaseType("u2", 2, 0x0000),  # uint16z
    0x0C: BaseType("u4", 4, 0x00000000),  # uint32z
    0x0D: BaseType("u1", 1, 0xFF),  # byte
    0x0E: BaseType("i8", 8, 0x7FFFFFFFFFFFFFFF),  # sint64
    0x0F: BaseType("u8", 8, 0xFFFFFFFFFFFFFFFF),  # uint64
    0x10: BaseType("u8", 8, 0x0000000000000000),  # uint64z
}

# Global message numbers.
MESG_FILE_ID = 0
MESG_SPORT = 12
MESG_SESSION = 18
MESG_LAP = 19
MESG_RECORD = 20
MESG_EVENT = 21
MESG_DEVICE_INFO = 23
MESG_ACTIVITY = 34
MESG_TIMESTAMP_CORRELATION = 162

FIELD_TIMESTAMP = 253  # in every message that has a time


class RecordField:
    """Field numbers of the record message (mesg 20)."""

    LAT = 0  # sint32 semicircles
    LON = 1
    ALTITUDE = 2  # uint16, /5 - 500 m
    HEART_RATE = 3  # uint8 bpm
    CADENCE = 4  # uint8 rpm
    DISTANCE = 5  # uint32, /100 m
    SPEED = 6  # uint16, /1000 m/s
    POWER = 7  # uint16 W
    COMPRESSED_SPEED_DISTANCE = 8  # byte[3]
    TEMPERATURE = 13  # sint8 C
    FRACTIONAL_CADENCE = 53  # uint8, /128 rpm
    ENHANCED_SPEED = 73  # uint32, /1000 m/s
    ENHANCED_ALTITUDE = 78  # uint32, /5 - 500 m


class SessionField:
    """Field numbers of the session message (mesg 18); lap (19) shares 2, 7, 8, 9."""

    START_TIME = 2
    SPORT = 5
    SUB_SPORT = 6
    TOTAL_ELAPSED_TIME = 7  # uint32 ms
    TOTAL_TIMER_TIME = 8  # uint32 ms
    TOTAL_DISTANCE = 9  # uint32 cm
    TOTAL_CALORIES = 11  # uint16 kcal
    AVG_HEART_RATE = 16
    MAX_HEART_RATE = 17
    AVG_POWER = 20
    MAX_POWER = 21
    TOTAL_ASCENT = 22  # uint16 m
    TOTAL_DESCENT = 23


EVENT_TIMER = 0
EVENT_TYPE_START = 0
EVENT_TYPE_STOP = 1
EVENT_TYPE_STOP_ALL = 4

SPORT_NAMES = {
    0: "generic", 1: "running", 2: "cycling", 3: "transition", 4: "fitness_equipment", 5: "swimming",
    6: "basketball", 7: "soccer", 8: "tennis", 9: "american_football", 10: "training", 11: "walking",
    12: "cross_country_skiing", 13: "alpine_skiing", 14: "snowboarding", 15: "rowing", 16: "mountaineering",
    17: "hiking", 18: "multisport", 19: "paddling", 20: "flying", 21: "e_biking", 22: "motorcycling",
    23: "boating", 24: "driving", 25: "golf", 26: "hang_gliding", 27: "horseback_riding", 28: "hunting",
    29: "fishing", 30: "inline_skating", 31: "rock_climbing", 32: "sailing", 33: "ice_skating", 34: "sky_diving",
    35: "snowshoeing", 36: "snowmobiling", 37: "stand_up_paddleboarding", 38: "surfing", 39: "wakeboarding",
    40: "water_skiing", 41: "kayaking", 42: "rafting", 43: "windsurfing", 44: "kitesurfing", 45: "tactical",
    46: "jumpmaster", 47: "boxing", 48: "floor_climbing", 49: "baseball", 53: "diving", 62: "hiit", 64: "racket",
    65: "wheelchair_push_walk", 66: "wheelchair_push_run", 67: "meditation", 69: "disc_golf", 71: "cricket",
    72: "rugby", 73: "hockey", 74: "lacrosse", 75: "volleyball", 76: "water_tubing", 77: "wakesurfing",
    80: "mixed_martial_arts", 82: "snorkeling", 83: "dance", 84: "jump_rope",
}  # fmt: skip

SUB_SPORT_NAMES = {
    0: "generic", 1: "treadmill", 2: "street", 3: "trail", 4: "track", 5: "spin", 6: "indoor_cycling", 7: "road",
    8: "mountain", 9: "downhill", 10: "recumbent", 11: "cyclocross", 12: "hand_cycling", 13: "track_cycling",
    14: "indoor_rowing", 15: "elliptical", 16: "stair_climbing", 17: "lap_swimming", 18: "open_water",
    19: "flexibility_training", 20: "strength_training", 21: "warm_up", 22: "match", 23: "exercise",
    24: "challenge", 25: "indoor_skiing", 26: "cardio_training", 27: "indoor_walking", 28: "e_bike_fitness",
    29: "bmx", 30: "casual_walking", 31: "speed_walking", 32: "bike_to_run_transition",
    33: "run_to_bike_transition", 34: "swim_to_bike_transition", 35: "atv", 36: "motocross", 37: "backcountry",
    38: "resort", 39: "rc_drone", 40: "wingsuit", 41: "whitewater", 42: "skate_skiing", 43: "yoga", 44: "pilates",
    45: "indoor_running", 46: "gravel_cycling", 47: "e_bike_mountain", 48: "commuting", 49: "mixed_surface",
    50: "navigate", 51: "track_me", 52: "map", 53: "single_gas_diving", 54: "multi_gas_diving",
    55: "gauge_diving", 56: "apnea_diving", 57: "apnea_hunting", 58: "virtual_activity", 59: "obstacle",
    62: "breathing", 65: "sail_race", 67: "ultra", 68: "indoor_climbing", 69: "bouldering", 70: "hiit",
    73: "amrap", 74: "emom", 75: "tabata", 84: "pickleball", 85: "padel", 86: "indoor_wheelchair_walk",
    87: "indoor_wheelchair_run", 88: "indoor_hand_cycling", 94: "squash", 95: "badminton", 96: "racquetball",
    97: "table_tennis",
}  # fmt: skip

# Strava sport_type for a FIT sport when its sub_sport says nothing more specific. Sports absent here
# (generic, transition, multisport, flying, driving, ...) give None: the upload falls back to the athlete's choice.
SPORT_TO_STRAVA = {
    "running": "Run", "cycling": "Ride", "fitness_equipment": "Workout", "swimming": "Swim", "soccer": "Soccer",
    "tennis": "Tennis", "training": "Workout", "walking": "Walk", "cross_country_skiing": "NordicSki",
    "alpine_skiing": "AlpineSki", "snowboarding": "Snowboard", "rowing": "Rowing", "mountaineering": "Hike",
    "hiking": "Hike", "paddling": "Canoeing", "e_biking": "EBikeRide", "golf": "Golf", "disc_golf": "Workout",
    "inline_skating": "InlineSkate", "rock_climbing": "RockClimbing", "sailing": "Sail", "ice_skating": "IceSkate",
    "snowshoeing": "Snowshoe", "stand_up_paddleboarding": "StandUpPaddling", "surfing": "Surfing",
    "kayaking": "Kayaking", "rafting": "Kayaking", "windsurfing": "Windsurf", "kitesurfing": "Kitesurf",
    "boxing": "Workout", "floor_climbing": "StairStepper", "hiit": "HighIntensityIntervalTraining",
    "racket": "Workout", "wheelchair_push_walk": "Wheelchair", "wheelchair_push_run": "Wheelchair",
    "basketball": "Workout", "american_football": "Workout", "baseball": "Workout", "cricket": "Workout",
    "rugby": "Workout", "hockey": "Workout", "lacrosse": "Workout", "volleyball": "Workout", "dance": "Workout",
    "jump_rope": "Workout", "mixed_martial_arts": "Workout", "meditation": "Yoga", "wakeboarding": "Workout",
    "water_skiing": "Workout", "wakesurfing": "Surfing", "horseback_riding": "Workout", "tactical": "Workout",
}  # fmt: skip

# (sport, sub_sport) pairs that name a more specific Strava sport; (None, sub_sport) applies to any sport.
SUB_SPORT_TO_STRAVA: dict[tuple[str | None, str], str] = {
    ("running", "trail"): "TrailRun", ("running", "virtual_activity"): "VirtualRun",
    ("cycling", "virtual_activity"): "VirtualRide", ("cycling", "mountain"): "MountainBikeRide",
    ("cycling", "downhill"): "MountainBikeRide", ("cycling", "gravel_cycling"): "GravelRide",
    ("cycling", "cyclocross"): "GravelRide", ("cycling", "e_bike_mountain"): "EMountainBikeRide",
    ("cycling", "e_bike_fitness"): "EBikeRide", ("cycling", "hand_cycling"): "Handcycle",
    ("cycling", "indoor_hand_cycling"): "Handcycle", ("e_biking", "e_bike_mountain"): "EMountainBikeRide",
    ("rowing", "virtual_activity"): "VirtualRow", ("alpine_skiing", "backcountry"): "BackcountrySki",
    ("cross_country_skiing", "backcountry"): "BackcountrySki",
    ("fitness_equipment", "treadmill"): "Run", ("fitness_equipment", "indoor_running"): "Run",
    ("fitness_equipment", "indoor_cycling"): "Ride", ("fitness_equipment", "spin"): "Ride",
    ("fitness_equipment", "indoor_rowing"): "Rowing", ("fitness_equipment", "indoor_walking"): "Walk",
    ("fitness_equipment", "indoor_skiing"): "NordicSki", ("fitness_equipment", "indoor_hand_cycling"): "Handcycle",
    (None, "elliptical"): "Elliptical", (None, "stair_climbing"): "StairStepper",
    (None, "strength_training"): "WeightTraining", (None, "yoga"): "Yoga", (None, "pilates"): "Pilates",
    (None, "hiit"): "HighIntensityIntervalTraining", (None, "amrap"): "HighIntensityIntervalTraining",
    (None, "emom"): "HighIntensityIntervalTraining", (None, "tabata"): "HighIntensityIntervalTraining",
    (None, "pickleball"): "Pickleball", (None, "squash"): "Squash", (None, "badminton"): "Badminton",
    (None, "racquetball"): "Racquetball", (None, "table_tennis"): "TableTennis",
    (None, "indoor_climbing"): "RockClimbing", (None, "bouldering"): "RockClimbing",
    (None, "indoor_wheelchair_walk"): "Wheelchair", (None, "indoor_wheelchair_run"): "Wheelchair",
}  # fmt: skip

# Sub-sports recorded on a machine or in a virtual world: Strava's "trainer" flag.
INDOOR_SUB_SPORTS = frozenset(
    {
        "treadmill", "spin", "indoor_cycling", "indoor_rowing", "elliptical", "stair_climbing", "indoor_skiing",
        "indoor_walking", "indoor_running", "virtual_activity", "indoor_hand_cycling", "indoor_wheelchair_walk",
        "indoor_wheelchair_run",
    }
)  # fmt: skip
INDOOR_SPORTS = frozenset({"fitness_equipment"})

# Display names of the manufacturers athletes meet (FIT manufacturer enum).
MANUFACTURERS = {
    1: "Garmin", 2: "Garmin", 6: "SRM", 7: "Quarq", 13: "Dynastream", 15: "Dynastream", 16: "Timex", 23: "Suunto",
    32: "Wahoo", 40: "Concept2", 41: "Shimano", 48: "Pioneer", 51: "4iiii", 60: "Rotor", 63: "Specialized",
    67: "Bkool", 68: "CatEye", 69: "Stages", 70: "SIGMA", 71: "TomTom", 73: "Wattbike", 86: "Elite", 89: "Tacx",
    95: "Stryd", 107: "Magene", 112: "Bryton", 115: "iGPSPORT", 123: "Polar", 127: "LEOMO", 129: "COROS",
    260: "Zwift", 263: "Favero", 265: "Strava", 267: "Bryton", 268: "SRAM", 281: "TrainerRoad",
    282: "The Sufferfest", 289: "Hammerhead", 294: "COROS", 305: "WHOOP", 310: "Decathlon", 315: "RGT Cycling",
    326: "Nike", 331: "MyWhoosh",
}  # fmt: skip
MANUFACTURER_DEVELOPMENT = 255  # apps under development: the manufacturer name says nothing
MANUFACTURER_GARMIN = 1

# Common Garmin products (garmin_product enum), as Garmin names them.
GARMIN_PRODUCTS = {
    1: "HRM1", 717: "Forerunner 405", 782: "Forerunner 50", 988: "Forerunner 60", 1018: "Forerunner 310XT",
    1036: "Edge 500", 1124: "Forerunner 110", 1169: "Edge 800", 1325: "Edge 200", 1328: "Forerunner 910XT",
    1345: "Forerunner 610", 1436: "Forerunner 70", 1482: "Forerunner 10", 1551: "fenix", 1561: "Edge 510",
    1567: "Edge 810", 1623: "Forerunner 620", 1632: "Forerunner 220", 1736: "Edge Touring",
    1765: "Forerunner 920XT", 1836: "Edge 1000", 1903: "Forerunner 15", 1907: "vivoactive",
    1967: "fenix 2", 1988: "epix", 2050: "fenix 3", 2067: "Edge 520", 2147: "Edge 25", 2148: "Forerunner 25",
    2153: "Forerunner 225", 2156: "Forerunner 630", 2157: "Forerunner 230", 2158: "Forerunner 735XT",
    2204: "Edge Explore 1000", 2238: "Edge 20", 2337: "vivoactive HR", 2348: "vivosmart HR", 2413: "fenix 3 HR",
    2431: "Forerunner 235", 2503: "Forerunner 35", 2530: "Edge 820", 2544: "fenix 5S", 2604: "fenix 5X",
    2691: "Forerunner 935", 2697: "fenix 5", 2700: "vivoactive 3", 2713: "Edge 1030", 2886: "Forerunner 645",
    2888: "Forerunner 645 Music", 2891: "Forerunner 30", 2900: "fenix 5S Plus", 3011: "Edge Explore",
    3076: "Forerunner 245", 3077: "Forerunner 245 Music", 3110: "fenix 5 Plus", 3111: "fenix 5X Plus",
    3112: "Edge 520 Plus", 3113: "Forerunner 945", 3121: "Edge 530", 3122: "Edge 830", 3224: "vivoactive 4S",
    3225: "vivoactive 4", 3226: "Venu", 3282: "Forerunner 45", 3288: "fenix 6S", 3289: "fenix 6 Sport",
    3290: "fenix 6", 3291: "fenix 6X", 3300: "HRM-Pro", 3466: "Instinct Solar", 3558: "Edge 130 Plus",
    3570: "Edge 1030 Plus", 3589: "Forerunner 745", 3638: "Enduro", 3652: "Forerunner 945 LTE", 3703: "Venu 2",
    3704: "Venu 2S", 3843: "Edge 1040", 3851: "Venu 2 Plus", 3869: "Forerunner 55", 3888: "Instinct 2",
    3905: "fenix 7S", 3906: "fenix 7", 3907: "fenix 7X", 3943: "epix (Gen 2)", 3990: "Forerunner 255 Music",
    3991: "Forerunner 255S Music", 3992: "Forerunner 255", 3993: "Forerunner 255S", 4024: "Forerunner 955",
    4061: "Edge 540", 4062: "Edge 840", 4130: "HRM-Pro Plus", 4169: "Edge Explore 2", 4257: "Forerunner 265",
    4258: "Forerunner 265S", 4260: "Venu 3", 4261: "Venu 3S", 4315: "Forerunner 965", 4341: "Enduro 2",
    4426: "vivoactive 5", 4432: "Forerunner 165", 4440: "Edge 1050", 4536: "fenix 8", 4575: "Enduro 3",
}  # fmt: skip
