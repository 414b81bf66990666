//! Rules about subscribers that do not belong to one value: automatic blacklisting after failed
//! voucher recharges, and who may do what with comments.

use super::Role;

/// Failed voucher recharges in a row that blacklist a subscriber.
pub const FAILED_RECHARGES_TO_BLACKLIST: usize = 3;

/// Whether the latest voucher recharge attempts (newest first) blacklist the subscriber: the
/// last three all failed. A success in between starts the count again.
pub fn blacklists(recent_newest_first: &[bool]) -> bool {
    recent_newest_first.len() >= FAILED_RECHARGES_TO_BLACKLIST
        && recent_newest_first[..FAILED_RECHARGES_TO_BLACKLIST]
            .iter()
            .all(|succeeded| !succeeded)
}

/// What a role may do with subscriber comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentPrivilege {
    /// See comments only.
    ReadOnly,
    /// Add comments and change one's own.
    ReadModifyOwn,
    /// Add, change and delete any comment.
    CreateDeleteAny,
}

impl CommentPrivilege {
    pub fn for_role(role: Role) -> CommentPrivilege {
        match role {
            Role::Admin => CommentPrivilege::CreateDeleteAny,
            Role::Operator => CommentPrivilege::ReadModifyOwn,
            Role::Viewer | Role::Compliance => CommentPrivilege::ReadOnly,
        }
    }
    pub fn can_add(self) -> bool {
        self != CommentPrivilege::ReadOnly
    }
    /// `author_id` is the comment's author, `me` the operator asking.
    pub fn can_edit(self, author_id: Option<i64>, me: i64) -> bool {
        match self {
            CommentPrivilege::ReadOnly => false,
            CommentPrivilege::ReadModifyOwn => author_id == Some(me),
            CommentPrivilege::CreateDeleteAny => true,
        }
    }
    pub fn can_delete(self) -> bool {
        self == CommentPrivilege::CreateDeleteAny
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_failures_in_a_row_blacklist() {
        assert!(!blacklists(&[]));
        assert!(!blacklists(&[false, false]));
        assert!(blacklists(&[false, false, false]));
        assert!(blacklists(&[false, false, false, true]));
        assert!(!blacklists(&[false, true, false, false]));
        assert!(!blacklists(&[true, false, false, false]));
    }

    #[test]
    fn comment_privileges_follow_the_role() {
        let viewer = CommentPrivilege::for_role(Role::Viewer);
        assert!(!viewer.can_add() && !viewer.can_edit(Some(1), 1) && !viewer.can_delete());
        let op = CommentPrivilege::for_role(Role::Operator);
        assert!(op.can_add());
        assert!(op.can_edit(Some(7), 7));
        assert!(!op.can_edit(Some(8), 7));
        assert!(!op.can_edit(None, 7));
        assert!(!op.can_delete());
        let admin = CommentPrivilege::for_role(Role::Admin);
        assert!(admin.can_add() && admin.can_edit(Some(8), 7) && admin.can_delete());
    }
}
