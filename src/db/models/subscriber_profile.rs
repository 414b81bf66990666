//! The lists of a subscriber's profile: call barring and friends-and-family numbers, short codes,
//! closed user group membership, comments, and zones with their shapes.

use crate::db::schema::{
    subscriber_comments, subscriber_cugs, subscriber_numbers, subscriber_short_codes,
    subscriber_zones, zone_shapes,
};
use crate::db::DbConnection;
use crate::domain::geo::Shape;
use diesel::prelude::*;
use serde::Serialize;

/// `subscriber_numbers.list` of call barring numbers.
pub const BARRING: &str = "barring";
/// `subscriber_numbers.list` of friends-and-family numbers.
pub const FRIENDS: &str = "ff";

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = subscriber_numbers)]
pub struct NumberRow {
    pub id: i64,
    pub list: String,
    pub number: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = subscriber_short_codes)]
pub struct ShortCodeRow {
    pub id: i64,
    pub code: String,
    pub number: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = subscriber_comments)]
pub struct CommentRow {
    pub id: i64,
    pub author_id: Option<i64>,
    pub author: String,
    pub body: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = subscriber_zones)]
pub struct ZoneRow {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = zone_shapes)]
pub struct ShapeRow {
    pub id: i64,
    pub zone_id: i64,
    pub kind: String,
    pub lon_e7: i64,
    pub lat_e7: i64,
    pub lon2_e7: Option<i64>,
    pub lat2_e7: Option<i64>,
    pub radius_e7_km: Option<i64>,
}

impl ShapeRow {
    /// The stored shape as the domain type (unknown kinds read as circles).
    pub fn shape(&self) -> Shape {
        match self.kind.as_str() {
            "rectangle" => Shape::Rectangle {
                west: self.lon_e7,
                north: self.lat_e7,
                east: self.lon2_e7.unwrap_or(0),
                south: self.lat2_e7.unwrap_or(0),
            },
            _ => Shape::Circle {
                lon: self.lon_e7,
                lat: self.lat_e7,
                radius: self.radius_e7_km.unwrap_or(0),
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Zone {
    pub zone: ZoneRow,
    pub shapes: Vec<ShapeRow>,
}

/// Every list of one subscriber.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Profile {
    pub numbers: Vec<NumberRow>,
    pub short_codes: Vec<ShortCodeRow>,
    pub cugs: Vec<i64>,
    pub comments: Vec<CommentRow>,
    pub zones: Vec<Zone>,
}

impl Profile {
    pub fn numbers_of<'a>(&'a self, list: &'a str) -> impl Iterator<Item = &'a NumberRow> + 'a {
        self.numbers.iter().filter(move |n| n.list == list)
    }
}

pub fn load(conn: &mut DbConnection, subscriber_id: i64) -> QueryResult<Profile> {
    let numbers = subscriber_numbers::table
        .filter(subscriber_numbers::subscriber_id.eq(subscriber_id))
        .order((subscriber_numbers::list, subscriber_numbers::number))
        .select(NumberRow::as_select())
        .load(conn)?;
    let short_codes = subscriber_short_codes::table
        .filter(subscriber_short_codes::subscriber_id.eq(subscriber_id))
        .order(subscriber_short_codes::code)
        .select(ShortCodeRow::as_select())
        .load(conn)?;
    let cugs = subscriber_cugs::table
        .filter(subscriber_cugs::subscriber_id.eq(subscriber_id))
        .order(subscriber_cugs::cug_id)
        .select(subscriber_cugs::cug_id)
        .load(conn)?;
    let comments = subscriber_comments::table
        .filter(subscriber_comments::subscriber_id.eq(subscriber_id))
        .order(subscriber_comments::id)
        .select(CommentRow::as_select())
        .load(conn)?;
    let zone_rows: Vec<ZoneRow> = subscriber_zones::table
        .filter(subscriber_zones::subscriber_id.eq(subscriber_id))
        .order(subscriber_zones::id)
        .select(ZoneRow::as_select())
        .load(conn)?;
    let ids: Vec<i64> = zone_rows.iter().map(|z| z.id).collect();
    let shapes: Vec<ShapeRow> = zone_shapes::table
        .filter(zone_shapes::zone_id.eq_any(ids))
        .order(zone_shapes::id)
        .select(ShapeRow::as_select())
        .load(conn)?;
    let zones = zone_rows
        .into_iter()
        .map(|zone| Zone {
            shapes: shapes
                .iter()
                .filter(|s| s.zone_id == zone.id)
                .cloned()
                .collect(),
            zone,
        })
        .collect();
    Ok(Profile {
        numbers,
        short_codes,
        cugs,
        comments,
        zones,
    })
}

pub fn add_number(
    conn: &mut DbConnection,
    subscriber_id: i64,
    list: &str,
    number: &str,
) -> QueryResult<usize> {
    diesel::insert_into(subscriber_numbers::table)
        .values((
            subscriber_numbers::subscriber_id.eq(subscriber_id),
            subscriber_numbers::list.eq(list),
            subscriber_numbers::number.eq(number),
        ))
        .execute(conn)
}

pub fn delete_number(conn: &mut DbConnection, subscriber_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(
        subscriber_numbers::table
            .filter(subscriber_numbers::id.eq(id))
            .filter(subscriber_numbers::subscriber_id.eq(subscriber_id)),
    )
    .execute(conn)
}

pub fn add_short_code(
    conn: &mut DbConnection,
    subscriber_id: i64,
    code: &str,
    number: &str,
) -> QueryResult<usize> {
    diesel::insert_into(subscriber_short_codes::table)
        .values((
            subscriber_short_codes::subscriber_id.eq(subscriber_id),
            subscriber_short_codes::code.eq(code),
            subscriber_short_codes::number.eq(number),
        ))
        .execute(conn)
}

pub fn update_short_code(
    conn: &mut DbConnection,
    subscriber_id: i64,
    id: i64,
    number: &str,
) -> QueryResult<usize> {
    diesel::update(
        subscriber_short_codes::table
            .filter(subscriber_short_codes::id.eq(id))
            .filter(subscriber_short_codes::subscriber_id.eq(subscriber_id)),
    )
    .set(subscriber_short_codes::number.eq(number))
    .execute(conn)
}

pub fn delete_short_code(
    conn: &mut DbConnection,
    subscriber_id: i64,
    id: i64,
) -> QueryResult<usize> {
    diesel::delete(
        subscriber_short_codes::table
            .filter(subscriber_short_codes::id.eq(id))
            .filter(subscriber_short_codes::subscriber_id.eq(subscriber_id)),
    )
    .execute(conn)
}

/// Replaces the subscriber's closed user group membership.
pub fn set_cugs(conn: &mut DbConnection, subscriber_id: i64, cug_ids: &[i64]) -> QueryResult<()> {
    diesel::delete(subscriber_cugs::table.filter(subscriber_cugs::subscriber_id.eq(subscriber_id)))
        .execute(conn)?;
    for id in cug_ids {
        diesel::insert_into(subscriber_cugs::table)
            .values((
                subscriber_cugs::subscriber_id.eq(subscriber_id),
                subscriber_cugs::cug_id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn add_comment(
    conn: &mut DbConnection,
    subscriber_id: i64,
    author_id: i64,
    author: &str,
    body: &str,
) -> QueryResult<usize> {
    let now = crate::db::now();
    diesel::insert_into(subscriber_comments::table)
        .values((
            subscriber_comments::subscriber_id.eq(subscriber_id),
            subscriber_comments::author_id.eq(author_id),
            subscriber_comments::author.eq(author),
            subscriber_comments::body.eq(body),
            subscriber_comments::created_at.eq(now),
            subscriber_comments::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn update_comment(
    conn: &mut DbConnection,
    subscriber_id: i64,
    id: i64,
    body: &str,
) -> QueryResult<usize> {
    diesel::update(
        subscriber_comments::table
            .filter(subscriber_comments::id.eq(id))
            .filter(subscriber_comments::subscriber_id.eq(subscriber_id)),
    )
    .set((
        subscriber_comments::body.eq(body),
        subscriber_comments::updated_at.eq(crate::db::now()),
    ))
    .execute(conn)
}

pub fn delete_comment(conn: &mut DbConnection, subscriber_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(
        subscriber_comments::table
            .filter(subscriber_comments::id.eq(id))
            .filter(subscriber_comments::subscriber_id.eq(subscriber_id)),
    )
    .execute(conn)
}

pub fn add_zone(conn: &mut DbConnection, subscriber_id: i64, name: &str) -> QueryResult<i64> {
    diesel::insert_into(subscriber_zones::table)
        .values((
            subscriber_zones::subscriber_id.eq(subscriber_id),
            subscriber_zones::name.eq(name),
            subscriber_zones::created_at.eq(crate::db::now()),
        ))
        .returning(subscriber_zones::id)
        .get_result(conn)
}

pub fn rename_zone(
    conn: &mut DbConnection,
    subscriber_id: i64,
    id: i64,
    name: &str,
) -> QueryResult<usize> {
    diesel::update(
        subscriber_zones::table
            .filter(subscriber_zones::id.eq(id))
            .filter(subscriber_zones::subscriber_id.eq(subscriber_id)),
    )
    .set(subscriber_zones::name.eq(name))
    .execute(conn)
}

pub fn delete_zone(conn: &mut DbConnection, subscriber_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(
        subscriber_zones::table
            .filter(subscriber_zones::id.eq(id))
            .filter(subscriber_zones::subscriber_id.eq(subscriber_id)),
    )
    .execute(conn)
}

/// The columns of a shape: (kind, lon, lat, lon2, lat2, radius).
type ShapeColumns = (
    &'static str,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

fn columns_of(shape: &Shape) -> ShapeColumns {
    match *shape {
        Shape::Circle { lon, lat, radius } => ("circle", lon, lat, None, None, Some(radius)),
        Shape::Rectangle {
            west,
            north,
            east,
            south,
        } => ("rectangle", west, north, Some(east), Some(south), None),
    }
}

pub fn add_shape(conn: &mut DbConnection, zone_id: i64, shape: &Shape) -> QueryResult<usize> {
    let (kind, lon, lat, lon2, lat2, radius) = columns_of(shape);
    diesel::insert_into(zone_shapes::table)
        .values((
            zone_shapes::zone_id.eq(zone_id),
            zone_shapes::kind.eq(kind),
            zone_shapes::lon_e7.eq(lon),
            zone_shapes::lat_e7.eq(lat),
            zone_shapes::lon2_e7.eq(lon2),
            zone_shapes::lat2_e7.eq(lat2),
            zone_shapes::radius_e7_km.eq(radius),
        ))
        .execute(conn)
}

pub fn update_shape(conn: &mut DbConnection, id: i64, shape: &Shape) -> QueryResult<usize> {
    let (kind, lon, lat, lon2, lat2, radius) = columns_of(shape);
    diesel::update(zone_shapes::table.find(id))
        .set((
            zone_shapes::kind.eq(kind),
            zone_shapes::lon_e7.eq(lon),
            zone_shapes::lat_e7.eq(lat),
            zone_shapes::lon2_e7.eq(lon2),
            zone_shapes::lat2_e7.eq(lat2),
            zone_shapes::radius_e7_km.eq(radius),
        ))
        .execute(conn)
}

pub fn delete_shape(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(zone_shapes::table.find(id)).execute(conn)
}

/// The subscriber with every list of its profile, as the audit log keeps it (no PIN hash).
pub fn audit_image(
    s: &crate::db::models::subscriber::Subscriber,
    p: &Profile,
) -> Option<serde_json::Value> {
    use serde_json::json;
    let mut v = serde_json::to_value(s).ok()?;
    let obj = v.as_object_mut()?;
    let list =
        |name: &str| -> Vec<String> { p.numbers_of(name).map(|n| n.number.clone()).collect() };
    obj.insert("pin_defined".into(), json!(s.pin_defined()));
    obj.insert("barring_numbers".into(), json!(list(BARRING)));
    obj.insert("ff_numbers".into(), json!(list(FRIENDS)));
    obj.insert(
        "short_codes".into(),
        json!(p
            .short_codes
            .iter()
            .map(|c| json!({"code": c.code, "number": c.number}))
            .collect::<Vec<_>>()),
    );
    obj.insert("closed_user_groups".into(), json!(p.cugs));
    obj.insert(
        "comments".into(),
        json!(p
            .comments
            .iter()
            .map(|c| json!({"id": c.id, "author": c.author, "text": c.body}))
            .collect::<Vec<_>>()),
    );
    obj.insert(
        "zones".into(),
        json!(p
            .zones
            .iter()
            .map(|z| json!({
                "name": z.zone.name,
                "shapes": z.shapes.iter().map(describe_shape).collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>()),
    );
    Some(v)
}

/// A shape in words, exact to the stored unit.
pub fn describe_shape(s: &ShapeRow) -> String {
    use crate::domain::geo::format_scaled as d;
    match s.shape() {
        Shape::Circle { lon, lat, radius } => {
            format!("circle at {}, {} radius {} km", d(lon), d(lat), d(radius))
        }
        Shape::Rectangle {
            west,
            north,
            east,
            south,
        } => format!(
            "rectangle from {}, {} to {}, {}",
            d(west),
            d(north),
            d(east),
            d(south)
        ),
    }
}
